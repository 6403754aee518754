/**
 * Shell completion scripts generated from the commander command tree, so a new command, subcommand or option
 * completes without anyone editing a script. The tree is read once into a plain description (CompletionNode); the
 * bash and zsh scripts share its data as POSIX `case` functions and differ only in the driver that asks them.
 */
import type { Command } from 'commander';

/** What the word after an option (or a positional argument) completes to. */
export type ValueKind =
  | { readonly kind: 'none' }
  | { readonly kind: 'file' }
  | { readonly kind: 'dir' }
  | { readonly kind: 'words'; readonly words: readonly string[] }
  /** A value nothing can suggest (a name, a URL): the shell offers nothing rather than the next option. */
  | { readonly kind: 'free' };

export interface CompletionNode {
  readonly name: string;
  /** Long options (`--output`), each with what its value completes to. */
  readonly options: readonly { readonly flag: string; readonly value: ValueKind }[];
  readonly subcommands: readonly CompletionNode[];
  /** What a positional argument completes to. */
  readonly argument: ValueKind;
}

const NONE: ValueKind = { kind: 'none' };

/** The kind of a value from its placeholder: `<file>` and path-like names are files, `<dir>`/`dirs` directories. */
function kindOfName(name: string): ValueKind {
  const bare = name.replace(/[<>[\].]/g, '').toLowerCase();
  if (bare === 'dir' || bare === 'dirs' || bare === 'directory') return { kind: 'dir' };
  if (bare === 'file' || bare === 'files' || bare === 'path' || bare === 'paths') return { kind: 'file' };
  return { kind: 'free' };
}

interface OptionLike {
  readonly long?: string;
  readonly flags: string;
  readonly required: boolean;
  readonly optional: boolean;
  readonly hidden: boolean;
  readonly argChoices?: readonly string[];
}

function optionValue(option: OptionLike): ValueKind {
  if (!option.required && !option.optional) return NONE;
  if (option.argChoices && option.argChoices.length > 0) return { kind: 'words', words: option.argChoices };
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? '';
  return kindOfName(placeholder);
}

/** The description of a command and everything under it. Hidden options (deprecated spellings) are left out. */
export function describeCommand(command: Command): CompletionNode {
  const options = (command.options as readonly OptionLike[])
    .filter((option) => option.long !== undefined && !option.hidden)
    .map((option) => ({ flag: option.long as string, value: optionValue(option) }));
  const argument = command.registeredArguments[0];
  return {
    name: command.name(),
    options: [...options, { flag: '--help', value: NONE }],
    subcommands: command.commands.map(describeCommand),
    argument: argument
      ? argument.argChoices
        ? { kind: 'words', words: argument.argChoices }
        : kindOfName(argument.name())
      : NONE,
  };
}

// ─── Scripts ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** Every node with its path of subcommand names below the root ("" for the root, "allowlist add" below). */
function flatten(node: CompletionNode, path = ''): { path: string; node: CompletionNode }[] {
  return [
    { path, node },
    ...node.subcommands.flatMap((sub) => flatten(sub, path === '' ? sub.name : `${path} ${sub.name}`)),
  ];
}

/** Words go into single-quoted shell strings: only characters commander names can hold, nothing to escape. */
function safeWord(word: string): string {
  if (!/^[A-Za-z0-9_.:=,@%+/-]+$/.test(word)) throw new Error(`cannot complete the word ${JSON.stringify(word)}`);
  return word;
}

/** The value kind as the drivers read it: f (files), d (directories), v (free value), w:WORDS (these words). */
function code(value: ValueKind): string | undefined {
  switch (value.kind) {
    case 'none':
      return undefined;
    case 'file':
      return 'f';
    case 'dir':
      return 'd';
    case 'free':
      return 'v';
    case 'words':
      return `w:${value.words.map(safeWord).join(' ')}`;
  }
}

function caseFunction(name: string, arms: readonly [pattern: string, value: string][]): string {
  const lines = arms.map(([pattern, value]) => `    '${pattern}') printf '%s\\n' '${value}' ;;`);
  return [`${name}() {`, '  case "$1" in', ...lines, '  esac', '}'].join('\n');
}

/** The data both shells read: subcommands, options, option values and positional arguments per command path. */
function dataFunctions(prefix: string, root: CompletionNode): string {
  const nodes = flatten(root);
  const subcommands = nodes
    .filter(({ node }) => node.subcommands.length > 0)
    .map(({ path, node }): [string, string] => [path, node.subcommands.map((sub) => safeWord(sub.name)).join(' ')]);
  const options = nodes.map(({ path, node }): [string, string] => [
    path,
    node.options.map((option) => safeWord(option.flag)).join(' '),
  ]);
  const values = nodes.flatMap(({ path, node }) =>
    node.options.flatMap((option): [string, string][] => {
      const value = code(option.value);
      return value === undefined ? [] : [[`${path}|${option.flag}`, value]];
    }),
  );
  const args = nodes.flatMap(({ path, node }): [string, string][] => {
    const value = code(node.argument);
    return value === undefined ? [] : [[path, value]];
  });
  return [
    caseFunction(`${prefix}_subcommands`, subcommands),
    caseFunction(`${prefix}_options`, options),
    caseFunction(`${prefix}_value`, values),
    caseFunction(`${prefix}_argument`, args),
  ].join('\n');
}

export type Shell = 'bash' | 'zsh';
export const SHELLS: readonly Shell[] = ['bash', 'zsh'];

/**
 * The completion script for `program` (its name is the command completed). The driver walks the words before the
 * cursor: words that name a subcommand extend the command path, an option's value is skipped, and the word under the
 * cursor completes to the value of the option before it, else an option (when it starts with -), else a
 * subcommand, else the command's argument (files for paths).
 */
export function completionScript(shell: Shell, root: CompletionNode): string {
  const name = safeWord(root.name);
  const prefix = `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const data = dataFunctions(prefix, root);
  return shell === 'bash' ? bashScript(name, prefix, data) : zshScript(name, prefix, data);
}

function bashScript(name: string, prefix: string, data: string): string {
  return `# bash completion for ${name}: generated by \`${name} completion bash\` from the command tree.
# Load it in ~/.bashrc:  source <(${name} completion bash)
${data}
${prefix}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" at=1 cmdpath="" word value
  COMPREPLY=()
  # --opt=value: bash splits at '=' (COMP_WORDBREAKS), so the option is two words back.
  if [[ "$cur" == "=" ]]; then cur=""; prev="\${COMP_WORDS[COMP_CWORD-1]}";
  elif (( COMP_CWORD > 1 )); then
    prev="\${COMP_WORDS[COMP_CWORD-1]}"
    [[ "$prev" == "=" ]] && (( COMP_CWORD > 2 )) && prev="\${COMP_WORDS[COMP_CWORD-2]}"
  fi
  while (( at < COMP_CWORD )); do
    word="\${COMP_WORDS[at]}"
    at=$((at + 1))
    if [[ "$word" == -* ]]; then
      value="$(${prefix}_value "$cmdpath|$word")"
      # An option that takes a value: skip the value too (unless given as --opt=value).
      [[ -n "$value" && "\${COMP_WORDS[at]}" != "=" ]] && at=$((at + 1))
      [[ "\${COMP_WORDS[at]}" == "=" ]] && at=$((at + 2))
      continue
    fi
    case " $(${prefix}_subcommands "$cmdpath") " in
      *" $word "*) cmdpath="\${cmdpath:+$cmdpath }$word" ;;
    esac
  done
  value=""
  [[ "$prev" == -* ]] && value="$(${prefix}_value "$cmdpath|$prev")"
  if [[ -z "$value" && "$cur" != -* ]]; then
    local subs
    subs="$(${prefix}_subcommands "$cmdpath")"
    if [[ -n "$subs" ]]; then
      COMPREPLY=($(compgen -W "$subs" -- "$cur"))
      return 0
    fi
    value="$(${prefix}_argument "$cmdpath")"
  elif [[ -z "$value" ]]; then
    COMPREPLY=($(compgen -W "$(${prefix}_options "$cmdpath")" -- "$cur"))
    return 0
  fi
  case "$value" in
    # compopt (bash 4+) marks the words as file names (a slash after directories); bash 3 lacks it: stay quiet.
    f) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    d) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    w:*) COMPREPLY=($(compgen -W "\${value#w:}" -- "$cur")) ;;
  esac
  return 0
}
complete -F ${prefix} ${name}
`;
}

function zshScript(name: string, prefix: string, data: string): string {
  // zsh: words is 1-based with the command at 1, CURRENT is the cursor's word; `path` is zsh's PATH array, hence
  // cmdpath. The value codes are the bash script's.
  return `#compdef ${name}
# zsh completion for ${name}: generated by \`${name} completion zsh\` from the command tree.
# Load it after compinit in ~/.zshrc:  source <(${name} completion zsh)
${data}
${prefix}() {
  local cur="\${words[CURRENT]}" prev="" cmdpath="" word value subs
  local -i at=2
  (( CURRENT > 2 )) && prev="\${words[CURRENT-1]}"
  while (( at < CURRENT )); do
    word="\${words[at]}"
    at=$((at + 1))
    if [[ "$word" == -* ]]; then
      [[ "$word" == *=* ]] && continue
      value="$(${prefix}_value "$cmdpath|$word")"
      [[ -n "$value" ]] && at=$((at + 1))
      continue
    fi
    case " $(${prefix}_subcommands "$cmdpath") " in
      *" $word "*) cmdpath="\${cmdpath:+$cmdpath }$word" ;;
    esac
  done
  value=""
  if [[ "$cur" == --*=* ]]; then
    value="$(${prefix}_value "$cmdpath|\${cur%%=*}")"
    compset -P '*='
  elif [[ "$prev" == -* ]]; then
    value="$(${prefix}_value "$cmdpath|$prev")"
  fi
  if [[ -z "$value" && "$cur" != -* ]]; then
    subs="$(${prefix}_subcommands "$cmdpath")"
    if [[ -n "$subs" ]]; then
      compadd -- \${=subs}
      return 0
    fi
    value="$(${prefix}_argument "$cmdpath")"
  elif [[ -z "$value" ]]; then
    compadd -- \${=$(${prefix}_options "$cmdpath")}
    return 0
  fi
  case "$value" in
    f) _files ;;
    d) _files -/ ;;
    w:*) compadd -- \${=value#w:} ;;
  esac
  return 0
}
compdef ${prefix} ${name}
`;
}
