import { alertFacts, type Fact } from './alert-facts';
import type { ContentLimits } from './bound';
import type { PublishedAlert } from './published-alert';
import { responseSteps } from './response-steps';
import { asciiLine, multiLine, oneLine, truncate } from './text';

/** SNS rejects a Subject over 100 characters, with a line break or with non-printable-ASCII characters. */
export const SUBJECT_MAX = 100;

/** `[HIGH] Rule title on host (x3)`: printable ASCII, one line, at most 100 characters. */
export function alertSubject(alert: PublishedAlert): string {
  const count = alert.dedup.count > 1 ? ` (x${alert.dedup.count})` : '';
  const head = `[${alert.severity.toUpperCase()}] `;
  const host = ` on ${asciiLine(alert.host, 40)}`;
  const title = asciiLine(alert.title, SUBJECT_MAX - head.length - host.length - count.length);
  return asciiLine(`${head}${title}${host}${count}`, SUBJECT_MAX);
}

const LABEL_WIDTH = 20;

/**
 * The e-mail body: plain text (SNS e-mail is text/plain), one section per question an analyst asks. Event values are
 * made single-line with visible escapes; scripts keep their lines, each prefixed with `| ` so no line of event text
 * can pose as part of the alert.
 */
export function renderEmail(alert: PublishedAlert, limits: ContentLimits): string {
  const facts = alertFacts(alert);
  const lines: string[] = [];
  const push = (...more: string[]): void => {
    lines.push(...more);
  };

  push(oneLine(`${alert.severity.toUpperCase()}: ${alert.title}`));
  push(oneLine(`Host ${alert.host} - ${alert.technique.join(', ') || 'no ATT&CK technique'} - rule ${alert.ruleId}`));
  if (alert.allowlist === 'unfiltered') {
    push(
      '',
      'WARNING: the allowlist could not be read; this alert was sent without allowlist filtering (fail closed).',
    );
  }
  section(lines, 'WHAT RAN', facts.what, limits);
  section(lines, 'WHERE', facts.where, limits);
  section(lines, 'WHO', facts.who, limits);
  section(lines, 'PARENT', facts.parent, limits);
  section(lines, 'WHEN', facts.when, limits);

  push('', 'WHY IT MATTERS', ...wrapped(alert.description));
  if (alert.context.length > 0) push('  Context:', ...alert.context.map((c) => `   - ${oneLine(c)}`));
  if (alert.falsepositives.length > 0) {
    push('', 'KNOWN FALSE POSITIVES', ...alert.falsepositives.map((fp) => `  - ${oneLine(fp)}`));
  }
  push('', 'RESPONSE', ...responseSteps(alert).map((step, i) => `  ${i + 1}. ${oneLine(step)}`));

  const links = [
    alert.links.logsInsights ? `  Logs Insights: ${alert.links.logsInsights}` : undefined,
    alert.links.runbook ? `  Runbook:       ${oneLine(alert.links.runbook)}` : undefined,
  ].filter((line): line is string => line !== undefined);
  if (links.length > 0) push('', 'INVESTIGATE', ...links);

  if (alert.suppression) {
    push('', 'SUPPRESS (only if this is sanctioned; set reason and owner first)');
    if (alert.suppression.note) push(`  Note: ${oneLine(alert.suppression.note)}`);
    push(
      '  With the CLI:',
      `    ${alert.suppression.cli}`,
      '  As an allowlist line (vmsentry allowlist import -, scan --allowlist):',
      `    ${alert.suppression.json}`,
      '  Or directly in DynamoDB:',
      `    ${alert.suppression.putItem}`,
    );
  }

  section(lines, 'SOURCE', facts.source, limits);
  if (alert.truncated.length > 0) push(`  Truncated to fit: ${oneLine(alert.truncated.join(', '))}`);
  push('', `Alert id ${alert.id} - dedup key ${oneLine(truncate(alert.dedup.key, 200))}`);
  return `${lines.join('\n')}\n`;
}

function section(lines: string[], title: string, facts: readonly Fact[], limits: ContentLimits): void {
  if (facts.length === 0) return;
  lines.push('', title);
  for (const f of facts) {
    const label = `  ${f.label}:`.padEnd(LABEL_WIDTH);
    if (f.code === 'script') {
      lines.push(label);
      for (const line of multiLine(truncate(f.value, limits.script)).split('\n')) lines.push(`    | ${line}`);
    } else {
      const max = f.code === 'command' ? limits.commandLine : limits.string;
      lines.push(`${label} ${oneLine(truncate(f.value, max))}`);
    }
  }
}

/** Rule text (trusted, possibly multi-line) indented under its heading. */
function wrapped(text: string): string[] {
  return multiLine(text)
    .split('\n')
    .map((line) => `  ${line}`);
}
