import { RuleSet } from '../../lib/rules';
import { emptySummary, formatAlertTable, formatSummary, formatTable, Scanner } from '../../lib/scan';
import { HEADLESS_RULE, processEvent, ruleFrom } from './helpers';

describe('formatTable', () => {
  it('pads columns to the widest cell and cuts long cells with an ellipsis', () => {
    const text = formatTable(
      ['A', 'B'],
      [
        ['x', 'a very long value'],
        ['longer', 'b'],
      ],
      { maxCellWidth: 8 },
    );
    expect(text.split('\n')).toEqual(['A       B', '------  --------', 'x       a very …', 'longer  b']);
  });

  it('flattens control characters so a hostile cell cannot rewrite the terminal', () => {
    const text = formatTable(['A'], [['evil\u001b[2J\nline']]);
    expect(text).not.toMatch(/[\u001b\n]line/);
    expect(text.split('\n')[2]).toBe('evil [2J line');
  });
});

describe('formatAlertTable and formatSummary', () => {
  it('show severity, rule, host, file:line and what ran; the summary counts alerts by rule', async () => {
    const scanner = new Scanner({
      ruleSet: RuleSet.from([ruleFrom(HEADLESS_RULE)]),
      minSeverity: 'low',
      nowMs: Date.now(),
    });
    const records = await scanner.scan({
      events: [processEvent({ Image: 'C:\\v\\VBoxManage.exe', CommandLine: 'VBoxManage startvm x' }, { line: 3 })],
      errors: [],
      records: 1,
      eventsByFormat: { 'sysmon-windows': 1 },
      errorsByFormat: {},
      unknown: 0,
    });
    const table = formatAlertTable(records);
    expect(table).toContain('events.jsonl:3');
    expect(table).toContain('VBoxManage startvm x');
    const summary = formatSummary(scanner.summary());
    expect(summary).toContain('records read: 1');
    expect(summary).toContain('events: 1 (sysmon-windows=1)');
    expect(summary).toMatch(/1 {2}Test VBoxManage Headless Start \(11111111-/);
    expect(summary).toContain('suppressed by allowlist: 0');
  });

  it('lists the first parse errors with format, reason and position', () => {
    const summary = emptySummary();
    summary.parseErrors = 2;
    summary.parseErrorsByFormat = { auditd: 2 };
    summary.firstErrors = [
      {
        code: 'invalid-record',
        format: 'auditd',
        reason: 'malformed msg=audit(...)',
        position: { envelope: 'file', file: 'a.log', index: 0, line: 4 },
        excerpt: '',
      },
    ];
    const text = formatSummary(summary);
    expect(text).toContain('parse errors: 2 (auditd=2)');
    expect(text).toContain('a.log:4: [auditd] malformed msg=audit(...)');
    expect(text).toContain('... 1 more');
  });
});
