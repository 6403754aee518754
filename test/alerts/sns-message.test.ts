import { auditAlert } from '../../lib/alerts/allowlist-audit';
import { MAX_FIELD_DEPTH } from '../../lib/alerts/bound';
import { batchesOf, SNS_LIMITS, snsEntryBytes, toSnsPublishEntry } from '../../lib/alerts/sns-message';
import type { Alert, Severity } from '../../lib/model';
import { containerAlert, vmAlert, vmEvent } from './fixtures';
import { HOSTILE, hostileAlert } from './hostile';

const OPTIONS = {
  region: 'eu-west-1',
  allowlistTable: 'vmsentry-allowlist',
  nowMs: Date.parse('2026-11-20T15:00:00Z'),
};

type Attributes = ReturnType<typeof toSnsPublishEntry>['MessageAttributes'];

/**
 * The subset of SNS filter-policy semantics the documented policies use (attribute-based): exact strings,
 * `anything-but`, and `numeric` ranges; a String.Array attribute matches when any element does.
 */
function policyMatches(policy: Record<string, unknown[]>, attributes: Attributes): boolean {
  return Object.entries(policy).every(([name, conditions]) => {
    const attribute = attributes[name];
    if (!attribute) return false;
    const values: (string | number)[] =
      attribute.DataType === 'String.Array'
        ? (JSON.parse(attribute.StringValue) as string[])
        : attribute.DataType === 'Number'
          ? [Number(attribute.StringValue)]
          : [attribute.StringValue];
    return conditions.some((condition) =>
      values.some((value) => {
        if (typeof condition === 'string') return value === condition;
        const c = condition as { numeric?: (string | number)[]; 'anything-but'?: string[] };
        if (c['anything-but']) return !c['anything-but'].includes(String(value));
        if (c.numeric && typeof value === 'number') {
          for (let i = 0; i < c.numeric.length; i += 2) {
            const [op, bound] = [c.numeric[i], Number(c.numeric[i + 1])];
            const ok =
              op === '>='
                ? value >= bound
                : op === '>'
                  ? value > bound
                  : op === '<'
                    ? value < bound
                    : op === '<='
                      ? value <= bound
                      : value === bound;
            if (!ok) return false;
          }
          return true;
        }
        return false;
      }),
    );
  });
}

function withSeverity(alert: Alert, severity: Severity): Alert {
  return { ...alert, severity };
}

describe('toSnsPublishEntry', () => {
  const entry = toSnsPublishEntry(vmAlert(), OPTIONS);
  const bodies = JSON.parse(entry.Message) as Record<string, string>;

  it('is a JSON message with default, email and https bodies', () => {
    expect(entry.MessageStructure).toBe('json');
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'https']);
    const alert = JSON.parse(bodies['default']!);
    expect(alert).toMatchObject({
      schema: 'vmsentry.alert.v1',
      id: vmAlert().id,
      ruleId: vmAlert().ruleId,
      truncated: [],
    });
    expect(alert.links.logsInsights).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\//);
    expect(bodies['email']).toContain('WHAT RAN');
    expect(JSON.parse(bodies['https']!)).toMatchObject({ version: '1.0', source: 'custom' });
  });

  it('carries severity, rank, rule, host, technique, source and kind as attributes', () => {
    expect(entry.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      severityRank: { DataType: 'Number', StringValue: '3' },
      ruleId: { DataType: 'String', StringValue: vmAlert().ruleId },
      host: { DataType: 'String', StringValue: 'wks-0142.corp.example.com' },
      technique: { DataType: 'String.Array', StringValue: '["T1564.006"]' },
      source: { DataType: 'String', StringValue: 'sysmon-windows' },
      kind: { DataType: 'String', StringValue: 'detection' },
    });
  });

  it('lets a "high and above" numeric filter policy take high and critical but not medium', () => {
    const policy = { severityRank: [{ numeric: ['>=', 3] }] };
    const take = (severity: Severity) =>
      policyMatches(policy, toSnsPublishEntry(withSeverity(vmAlert(), severity), OPTIONS).MessageAttributes);
    expect(take('critical')).toBe(true);
    expect(take('high')).toBe(true);
    expect(take('medium')).toBe(false);
    expect(take('informational')).toBe(false);
  });

  it('lets a technique policy match the String.Array attribute, and not another technique', () => {
    expect(policyMatches({ technique: ['T1564.006'] }, entry.MessageAttributes)).toBe(true);
    expect(policyMatches({ technique: ['T1059.001'] }, entry.MessageAttributes)).toBe(false);
  });

  it('omits the technique attribute when the rule has none (SNS rejects empty values)', () => {
    const alert = { ...vmAlert(), technique: [] };
    expect(toSnsPublishEntry(alert, OPTIONS).MessageAttributes).not.toHaveProperty('technique');
  });

  it('keeps attribute values non-empty, single-line and bounded for a hostile host', () => {
    const hostile = hostileAlert('x', { host: { hostname: `${HOSTILE.headerInjection}${'h'.repeat(1000)}` } });
    const attributes = toSnsPublishEntry(hostile, OPTIONS).MessageAttributes;
    for (const attribute of Object.values(attributes)) {
      expect(attribute.StringValue.length).toBeGreaterThan(0);
      expect(attribute.StringValue).not.toMatch(/[\r\n]/);
      expect(attribute.StringValue.length).toBeLessThanOrEqual(SNS_LIMITS.attributeChars + 40);
    }
  });

  it('fits 256 KB with a 300 KB command line, marks what was cut, and keeps the subject valid', () => {
    const big = toSnsPublishEntry(vmAlert(vmEvent({ CommandLine: `VBoxManage ${'A'.repeat(300_000)}` })), OPTIONS);
    expect(snsEntryBytes(big)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    const alert = JSON.parse(JSON.parse(big.Message).default);
    expect(alert.truncated).toContain('event.fields.CommandLine');
    expect(alert.event.fields.CommandLine).toMatch(/…\[truncated \d+ chars\]$/);
    expect(big.Subject).toMatch(/^[\x20-\x7e]{1,100}$/);
  });

  it('replaces a raw record over 8 KB by a marked excerpt', () => {
    const event = { ...vmEvent(), raw: { blob: 'x'.repeat(20_000) } };
    const alert = JSON.parse(JSON.parse(toSnsPublishEntry(vmAlert(event), OPTIONS).Message).default);
    expect(alert.event.raw).toMatchObject({ _truncated: true });
    expect(alert.event.raw._chars).toBeGreaterThan(8192);
    expect(alert.event.raw._excerpt.length).toBeLessThan(8_300);
    expect(alert.truncated).toContain('event.raw');
  });

  it('fits 256 KB even when every field is huge and made of characters JSON escapes six-fold', () => {
    const nasty = '\u0001"\\\u202e'.repeat(60_000);
    const fields: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) fields[`Field${i}`] = nasty;
    const base = hostileAlert(nasty, { host: { hostname: nasty, instanceId: nasty, cluster: nasty } });
    const alert = {
      ...base,
      event: { ...base.event, fields: { ...base.event.fields, ...fields, Args: Array(5000).fill(nasty) }, raw: fields },
      context: Array(1000).fill(nasty),
      falsepositives: Array(1000).fill(nasty),
    } as Alert;
    const hostileEntry = toSnsPublishEntry(alert, OPTIONS);
    expect(snsEntryBytes(hostileEntry)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    expect(hostileEntry.Subject).toMatch(/^[\x20-\x7e]{1,100}$/);
  });

  it('keeps characters SNS rejects (U+FFFE, lone surrogates) out of the message text', () => {
    const hostile = toSnsPublishEntry(hostileAlert('a\ufffeb\ud800c'), OPTIONS);
    expect(hostile.Message).not.toMatch(/[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('marks allowlist audit alerts with kind allowlist-audit and never suggests suppressing them', () => {
    const audit = auditAlert({
      operation: 'INSERT',
      eventId: 'e1',
      timeMs: OPTIONS.nowMs,
      expiredByTtl: false,
      index: 0,
      newImage: {
        ok: true,
        entry: { host: 'wks-1', rule: 'r', match: { Image: 'x' }, reason: 'r', owner: 'o', expiresAt: 1 },
      },
    });
    const auditEntry = toSnsPublishEntry(audit, OPTIONS);
    expect(auditEntry.MessageAttributes['kind']?.StringValue).toBe('allowlist-audit');
    expect(JSON.parse(JSON.parse(auditEntry.Message).default)).not.toHaveProperty('suppression');
  });
});

describe('batchesOf', () => {
  it('splits 25 entries into batches of at most 10', () => {
    const entries = Array.from({ length: 25 }, () => toSnsPublishEntry(vmAlert(), OPTIONS));
    expect(batchesOf(entries).map((b) => b.length)).toEqual([10, 10, 5]);
  });

  it('starts a new batch before the total would pass 256 KB', () => {
    // Tens of KB each: the full-size level keeps 8 KB per field, so a dozen long fields add up.
    const long = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`Extra${i}`, 'A'.repeat(8_000)]));
    const big = toSnsPublishEntry(vmAlert(vmEvent(long)), OPTIONS);
    expect(snsEntryBytes(big)).toBeGreaterThan(SNS_LIMITS.batchBytes / 5);
    const batches = batchesOf([big, big, big, big, big]);
    for (const batch of batches) {
      expect(batch.reduce((sum, e) => sum + snsEntryBytes(e), 0)).toBeLessThanOrEqual(SNS_LIMITS.batchBytes);
    }
    expect(batches.flat()).toHaveLength(5);
    expect(batches.length).toBeGreaterThan(1);
  });

  it('keeps small entries together', () => {
    const small = toSnsPublishEntry(containerAlert(), OPTIONS);
    expect(batchesOf([small, small, small])).toHaveLength(1);
  });
});

describe('content bounding', () => {
  it('keeps id, rule, severity and dedup intact however much evidence had to be cut', () => {
    const nasty = '\u0001'.repeat(50_000);
    const fields = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`Field${i}`, nasty]));
    const base = vmAlert();
    const alert = {
      ...base,
      event: { ...base.event, fields: { ...base.event.fields, ...fields } },
      context: Array(500).fill(nasty),
    };
    const body = JSON.parse(JSON.parse(toSnsPublishEntry(alert as Alert, OPTIONS).Message).default);
    expect(body).toMatchObject({
      id: base.id,
      ruleId: base.ruleId,
      severity: 'high',
      dedup: base.dedup,
      technique: ['T1564.006'],
    });
    expect(body.event.provenance).toEqual(base.event.provenance);
    expect(body.truncated.length).toBeGreaterThan(0);
  });

  it('bounds a wide field value by the number of values kept', () => {
    const wide = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [
        `k${i}`,
        Object.fromEntries(Array.from({ length: 150 }, (_, j) => [`v${j}`, 'y'])),
      ]),
    );
    const base = vmAlert();
    const alert = { ...base, event: { ...base.event, fields: { ...base.event.fields, Wide: wide } } };
    const entry = toSnsPublishEntry(alert as unknown as Alert, OPTIONS);
    expect(snsEntryBytes(entry)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    expect(entry.Message).toContain('too many values');
  });

  it('bounds a deeply nested field value by its depth, so rendering never recurses deeper than MAX_FIELD_DEPTH', () => {
    let nested: Record<string, unknown> = { leaf: 'x' };
    for (let depth = 0; depth < 20_000; depth++) nested = { [`k${depth}`]: nested, [`s${depth}`]: 'y' };
    const base = vmAlert();
    const alert = { ...base, event: { ...base.event, fields: { ...base.event.fields, Nested: nested } } };
    const entry = toSnsPublishEntry(alert as unknown as Alert, OPTIONS);
    expect(snsEntryBytes(entry)).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    expect(entry.Message).toContain('nested too deep');
    const fields = JSON.parse(JSON.parse(entry.Message).default).event.fields;
    let depth = 0;
    for (let node = fields.Nested; node !== null && typeof node === 'object'; depth++) {
      node = node[Object.keys(node)[0] as string];
    }
    expect(depth).toBeGreaterThan(0);
    expect(depth).toBeLessThan(MAX_FIELD_DEPTH);
  });
});
