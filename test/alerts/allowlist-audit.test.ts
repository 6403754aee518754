import { type AllowlistChange, auditAlert, auditSeverity, breadthOf } from '../../lib/alerts/allowlist-audit';
import { ALLOWLIST_AUDIT_RULE } from '../../lib/alerts/allowlist-audit-rule';
import type { AllowlistEntry } from '../../lib/model';

const NOW = Date.parse('2026-11-20T15:00:00Z');
const IN_30_DAYS = Math.floor(NOW / 1000) + 30 * 86_400;

const narrow: AllowlistEntry = {
  host: 'wks-0142',
  rule: '0f7d2b6a-3c41-4f0e-9a55-6b1e2d3c4f50',
  match: { Image: 'C:\\Program Files\\Oracle\\VirtualBox\\VBoxHeadless.exe' },
  reason: 'build agent VM, CHG-1234',
  owner: 'alice@example.com',
  expiresAt: IN_30_DAYS,
};

function change(overrides: Partial<AllowlistChange>): AllowlistChange {
  return { operation: 'INSERT', eventId: 'ev-1', timeMs: NOW, expiredByTtl: false, index: 0, ...overrides };
}

describe('breadthOf', () => {
  it('finds nothing broad in a host-, rule- and image-scoped entry expiring within 90 days', () => {
    expect(breadthOf(narrow, NOW)).toEqual([]);
  });

  it('names every way an entry is broad', () => {
    const broad: AllowlistEntry = { ...narrow, host: '*', rule: '*', match: { Image: '*', User: '?*' } };
    const { expiresAt: _e, ...noExpiry } = broad;
    expect(breadthOf(noExpiry, NOW)).toEqual([
      'applies to every host (global scope)',
      'applies to every rule',
      'match.Image is only wildcards ("*")',
      'match.User is only wildcards ("?*")',
      'never expires',
    ]);
  });

  it('flags an expiry beyond 90 days and an entry without match condition', () => {
    const { match: _m, ...noMatch } = { ...narrow, expiresAt: Math.floor(NOW / 1000) + 400 * 86_400 };
    expect(breadthOf(noMatch, NOW)).toEqual([
      'has no match condition: every event of the rule is suppressed',
      'expires in 400 days (more than 90)',
    ]);
  });
});

describe('auditSeverity and auditAlert', () => {
  it('rates a global entry for all rules critical', () => {
    const entry = { ...narrow, host: '*', rule: '*' };
    expect(auditSeverity(change({ newImage: { ok: true, entry } }))).toBe('critical');
  });

  it('rates a refused console item for every host and every rule critical, not just unparseable', () => {
    const item = { host: '*', entryId: 'x', rule: '*', reason: 'quiet', owner: 'someone' };
    const refused = change({ newImage: { ok: false, reason: 'host "*" or rule "*" is broad', item } });
    expect(auditSeverity(refused)).toBe('critical');
    expect(auditSeverity(change({ newImage: { ok: false, reason: 'x', item: { ...item, rule: 'r1' } } }))).toBe('high');
  });

  it('rates a broad but not global-and-all-rules entry high', () => {
    expect(auditSeverity(change({ newImage: { ok: true, entry: { ...narrow, rule: '*' } } }))).toBe('high');
    const { expiresAt: _e, ...forever } = narrow;
    expect(
      auditSeverity(
        change({ operation: 'MODIFY', oldImage: { ok: true, entry: narrow }, newImage: { ok: true, entry: forever } }),
      ),
    ).toBe('high');
  });

  it('rates a narrow entry and a manual delete medium', () => {
    expect(auditSeverity(change({ newImage: { ok: true, entry: narrow } }))).toBe('medium');
    expect(
      auditSeverity(change({ operation: 'REMOVE', oldImage: { ok: true, entry: { ...narrow, host: '*' } } })),
    ).toBe('medium');
  });

  it('rates a TTL expiry informational and says so', () => {
    const ttl = change({ operation: 'REMOVE', expiredByTtl: true, oldImage: { ok: true, entry: narrow } });
    const alert = auditAlert(ttl);
    expect(alert.severity).toBe('informational');
    expect(alert.context).toContain('expired by TTL: deleted by DynamoDB (dynamodb.amazonaws.com), not a person');
    expect(alert.event.fields.Actor).toBe('dynamodb.amazonaws.com (TTL)');
  });

  it('still alerts, high, on an item that is not a valid entry', () => {
    const bad = change({ newImage: { ok: false, reason: 'host is required', item: { rule: '*' } } });
    const alert = auditAlert(bad);
    expect(alert.severity).toBe('high');
    expect(alert.context[0]).toBe('unparseable allowlist change: new image: host is required');
    expect(alert.event.fields.Message).toContain('unparseable allowlist change');
    expect(alert.event.raw).toMatchObject({ new: { unparseable: 'host is required', item: { rule: '*' } } });
  });

  it('builds an alert of the built-in audit rule with who, what, scope and expiry', () => {
    const alert = auditAlert(
      change({ newImage: { ok: true, entry: narrow }, accountId: '111122223333', region: 'eu-west-1' }),
    );
    expect(alert).toMatchObject({
      ruleId: ALLOWLIST_AUDIT_RULE.id,
      title: 'Allowlist entry created/changed/deleted',
      severity: 'medium',
      technique: ['T1562.001'],
      tags: ['attack.defense-evasion', 'attack.t1562.001'],
      host: 'wks-0142',
      event: {
        category: 'cloud_api',
        platform: 'aws',
        fields: { ApiService: 'dynamodb', ApiOperation: 'INSERT', Actor: 'alice@example.com' },
        provenance: { recordId: 'ev-1' },
      },
    });
    expect(alert.event.fields.Message).toContain('Allowlist entry created [medium]: host=wks-0142 rule=0f7d2b6a');
    expect(alert.event.fields.Message).toContain(`expires=${new Date(IN_30_DAYS * 1000).toISOString()}`);
    expect(alert.context.some((c) => c.includes('CloudTrail data events'))).toBe(true);
  });

  it('lists what a MODIFY changed', () => {
    const after = { ...narrow, rule: '*', owner: 'mallory' };
    const alert = auditAlert(
      change({ operation: 'MODIFY', oldImage: { ok: true, entry: narrow }, newImage: { ok: true, entry: after } }),
    );
    expect(alert.context).toEqual(
      expect.arrayContaining([
        'broad: applies to every rule',
        'changed rule: "0f7d2b6a-3c41-4f0e-9a55-6b1e2d3c4f50" -> "*"',
        'changed owner: "alice@example.com" -> "mallory"',
      ]),
    );
  });

  it('gives each stream event its own stable alert id', () => {
    const a = auditAlert(change({ newImage: { ok: true, entry: narrow } }));
    expect(auditAlert(change({ newImage: { ok: true, entry: narrow } })).id).toBe(a.id);
    expect(auditAlert(change({ eventId: 'ev-2', newImage: { ok: true, entry: narrow } })).id).not.toBe(a.id);
  });
});
