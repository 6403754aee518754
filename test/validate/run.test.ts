import {
  type AlertWaiter,
  type LogWriter,
  type PendingScenario,
  planScenarios,
  runValidation,
  SCENARIOS,
  type Sighting,
  type TelemetryRecord,
  type ValidateDeps,
} from '../../lib/validate';

const LOG_GROUPS = {
  'sysmon-windows': '/w/sysmon',
  'windows-security-4688': '/w/security',
  'windows-system-7045': '/w/system',
  'powershell-4104': '/w/powershell',
  'windows-event': '/w/events',
  auditd: '/l/audit',
  'k8s-audit': '/k8s',
};
const TARGET = { logGroups: LOG_GROUPS, logStream: 'vmsentry-validate-2026-11-27' };

/** A fake clock that only moves when the code under test sleeps or polls. */
function fakeTime(startMs = 1_000_000) {
  let now = startMs;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

class MemoryWriter implements LogWriter {
  readonly writes: { logGroup: string; logStream: string; records: readonly TelemetryRecord[] }[] = [];
  constructor(private readonly failFor?: string) {}
  async write(logGroup: string, logStream: string, records: readonly TelemetryRecord[]): Promise<void> {
    if (logGroup === this.failFor) throw new Error(`AccessDenied on ${logGroup}`);
    this.writes.push({ logGroup, logStream, records });
  }
}

/** Answers every pending scenario after `afterPolls` polls, with the rule given by `ruleFor`. */
class ScriptedWaiter implements AlertWaiter {
  polls = 0;
  constructor(
    private readonly time: ReturnType<typeof fakeTime>,
    private readonly afterPolls: number,
    private readonly ruleFor: (pending: PendingScenario) => string | undefined,
  ) {}
  async poll(pending: readonly PendingScenario[], maxWaitMs: number): Promise<readonly Sighting[]> {
    this.polls++;
    if (this.polls < this.afterPolls) {
      this.time.advance(maxWaitMs);
      return [];
    }
    this.time.advance(250);
    return pending.flatMap((item) => {
      const ruleId = this.ruleFor(item);
      return ruleId ? [{ marker: item.marker, ruleId }] : [];
    });
  }
}

let counter = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

function deps(
  time: ReturnType<typeof fakeTime>,
  writer: LogWriter,
  waiter: AlertWaiter,
  extra: Partial<ValidateDeps> = {},
): ValidateDeps {
  return { writer, waiter, clock: time.clock, sleep: time.sleep, newUuid: uuid, ...extra };
}

describe('runValidation (ports in memory)', () => {
  it('writes each scenario to the log group of its format, in one stream, and passes when its alert arrives', async () => {
    const time = fakeTime();
    const writer = new MemoryWriter();
    const planned = planScenarios(SCENARIOS, { nowMs: time.clock(), host: 'h' }, uuid);
    const waiter = new ScriptedWaiter(time, 2, (pending) => pending.expectedRules[0]);
    const results = await runValidation(
      planned,
      TARGET,
      { timeoutMs: 60_000, host: 'h', pollMs: 5000 },
      deps(time, writer, waiter),
    );
    expect(results.map((result) => result.status)).toEqual(SCENARIOS.map(() => 'pass'));
    // One empty long poll (5 s), the pause after it (1 s), then the alert 250 ms into the next poll.
    for (const result of results) expect(result.latencyMs).toBe(5000 + 1000 + 250);
    expect(new Set(writer.writes.map((write) => write.logStream))).toEqual(new Set([TARGET.logStream]));
    const audit = writer.writes.filter((write) => write.logGroup === '/l/audit');
    expect(audit.flatMap((write) => write.records.map((record) => record.format))).toEqual(
      expect.arrayContaining(['auditd']),
    );
    expect(
      writer.writes.every((write) =>
        write.records.every((record) => LOG_GROUPS[record.format as keyof typeof LOG_GROUPS] === write.logGroup),
      ),
    ).toBe(true);
  });

  it('fails a scenario whose alert does not arrive before the timeout, saying which rules it waited for', async () => {
    const time = fakeTime();
    const planned = planScenarios(SCENARIOS.slice(0, 1), { nowMs: time.clock(), host: 'h' }, uuid);
    const waiter = new ScriptedWaiter(time, Number.POSITIVE_INFINITY, () => undefined);
    const results = await runValidation(
      planned,
      TARGET,
      { timeoutMs: 30_000, host: 'h', pollMs: 5000 },
      deps(time, new MemoryWriter(), waiter),
    );
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.reason).toContain('within 30 s');
    expect(results[0]?.latencyMs).toBeUndefined();
  });

  it('does not pass on an alert of an unexpected rule that carries the marker, but reports it', async () => {
    const time = fakeTime();
    const planned = planScenarios(SCENARIOS.slice(3, 4), { nowMs: time.clock(), host: 'h' }, uuid);
    const waiter = new ScriptedWaiter(time, 1, () => 'some-other-rule');
    const results = await runValidation(
      planned,
      TARGET,
      { timeoutMs: 10_000, host: 'h', pollMs: 2000 },
      deps(time, new MemoryWriter(), waiter),
    );
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.rules).toEqual(['some-other-rule']);
    expect(results[0]?.reason).toContain('saw only some-other-rule');
  });

  it('fails only the scenario whose write failed; the others still pass', async () => {
    const time = fakeTime();
    const planned = planScenarios(SCENARIOS, { nowMs: time.clock(), host: 'h' }, uuid);
    const waiter = new ScriptedWaiter(time, 1, (pending) => pending.expectedRules[0]);
    const results = await runValidation(
      planned,
      TARGET,
      { timeoutMs: 10_000, host: 'h' },
      deps(time, new MemoryWriter('/k8s'), waiter),
    );
    const pod = results.find((result) => result.scenario === 'privileged-pod');
    expect(pod?.status).toBe('fail');
    expect(pod?.reason).toContain('write failed: AccessDenied on /k8s');
    expect(results.filter((result) => result.status === 'pass')).toHaveLength(SCENARIOS.length - 1);
  });

  it('stops the whole run on an error the caller marks fatal (no credentials), instead of failing scenarios', async () => {
    const time = fakeTime();
    const planned = planScenarios(SCENARIOS.slice(0, 2), { nowMs: time.clock(), host: 'h' }, uuid);
    const waiter = new ScriptedWaiter(time, 1, () => undefined);
    const run = runValidation(
      planned,
      TARGET,
      { timeoutMs: 10_000, host: 'h' },
      deps(time, new MemoryWriter('/w/sysmon'), waiter, { isFatal: () => true }),
    );
    await expect(run).rejects.toThrow('AccessDenied');
  });

  it('fails a scenario whose format has no log group, without writing anything for it', async () => {
    const time = fakeTime();
    const writer = new MemoryWriter();
    const planned = planScenarios(SCENARIOS.slice(5, 6), { nowMs: time.clock(), host: 'h' }, uuid);
    const waiter = new ScriptedWaiter(time, 1, (pending) => pending.expectedRules[0]);
    const results = await runValidation(
      planned,
      { logGroups: {}, logStream: 's' },
      { timeoutMs: 1000, host: 'h' },
      deps(time, writer, waiter),
    );
    expect(results[0]?.status).toBe('fail');
    expect(results[0]?.reason).toContain('k8s-audit');
    expect(writer.writes).toHaveLength(0);
  });

  it('gives each scenario its own marker', () => {
    const planned = planScenarios(SCENARIOS, { nowMs: 0, host: 'h' }, uuid);
    expect(new Set(planned.map((item) => item.marker)).size).toBe(SCENARIOS.length);
    for (const item of planned) expect(item.marker).toMatch(/^vmsentry-validate-[0-9a-f-]{36}$/);
  });
});
