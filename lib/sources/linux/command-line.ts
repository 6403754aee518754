/**
 * Joins an argument vector into one command line the way a shell user would read it: arguments that are empty or
 * contain whitespace are double-quoted (with `"` and `\` escaped inside), everything else is kept verbatim so rules
 * written against the usual `qemu-system-x86_64 -m 256 ...` form keep matching.
 */
export function joinCommandLine(args: readonly string[]): string {
  return args.map(quoteArgument).join(' ');
}

function quoteArgument(arg: string): string {
  if (arg !== '' && !/\s/.test(arg)) return arg;
  return `"${arg.replace(/["\\]/g, '\\$&')}"`;
}
