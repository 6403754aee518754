/**
 * Linux auditd raw records for one execve, as auditd writes them to /var/log/audit/audit.log (and the CloudWatch
 * agent ships them line by line): SYSCALL, EXECVE, CWD, PROCTITLE sharing one `audit(<sec>.<ms>:<serial>)` id.
 */
export interface AuditExec {
  readonly node: string;
  readonly timeMs: number;
  readonly serial: number;
  readonly exe: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly uid: number;
  readonly auid: number;
  readonly pid: number;
  readonly ppid: number;
  readonly key?: string;
}

/** auditd quotes plain printable values and hex-encodes any value with spaces, quotes or control characters. */
function auditValue(value: string): string {
  if (/^[\x21-\x7e]*$/.test(value) && !value.includes('"')) return `"${value}"`;
  return Buffer.from(value, 'utf8').toString('hex').toUpperCase();
}

export function auditExecLines(exec: AuditExec): string[] {
  const seconds = Math.floor(exec.timeMs / 1000);
  const ms = String(exec.timeMs % 1000).padStart(3, '0');
  const id = `msg=audit(${seconds}.${ms}:${exec.serial}):`;
  const head = (type: string) => `node=${exec.node} type=${type} ${id}`;
  const comm = (exec.exe.split('/').pop() ?? exec.exe).slice(0, 15);
  const ids = `uid=${exec.uid} gid=${exec.uid} euid=${exec.uid} suid=${exec.uid} fsuid=${exec.uid} egid=${exec.uid} sgid=${exec.uid} fsgid=${exec.uid}`;
  const args = exec.argv.map((arg, index) => `a${index}=${auditValue(arg)}`).join(' ');
  const proctitle = Buffer.from(exec.argv.join('\0'), 'utf8').toString('hex').toUpperCase();
  return [
    `${head('SYSCALL')} arch=c000003e syscall=59 success=yes exit=0 a0=55d0c8a4b0f0 a1=55d0c8a4c2a0 a2=55d0c8a4d010 a3=8 items=2 ppid=${exec.ppid} pid=${exec.pid} auid=${exec.auid} ${ids} tty=pts0 ses=3 comm="${comm}" exe="${exec.exe}" subj=unconfined key=${exec.key ? `"${exec.key}"` : '(null)'}`,
    `${head('EXECVE')} argc=${exec.argv.length} ${args}`,
    `${head('CWD')} cwd=${auditValue(exec.cwd)}`,
    `${head('PROCTITLE')} proctitle=${proctitle}`,
  ];
}
