import fc from 'fast-check';
import type { ParseErrorCode } from '../../../lib/model';
import { cloudTrailParser } from '../../../lib/sources/containers/cloudtrail';
import { falcoParser } from '../../../lib/sources/containers/falco';
import { k8sAuditParser } from '../../../lib/sources/containers/k8s-audit';
import type { ParseOutcome, ParserFactory, RecordInput } from '../../../lib/sources/parser';
import { fixture, recordOf } from './support';

const PARSERS: readonly [string, ParserFactory, readonly string[]][] = [
  [
    'k8s-audit',
    k8sAuditParser,
    [
      'k8s-privileged-pod-create.json',
      'k8s-node-debugger-pod-create.json',
      'k8s-ephemeral-container-patch.json',
      'k8s-pods-exec.json',
      'k8s-daemonset-create.json',
      'k8s-audit-bare-privileged-pod.json',
      'k8s-audit-fluentbit-log-wrapped.json',
      'k8s-audit-webhook-eventlist.json',
    ],
  ],
  [
    'cloudtrail',
    cloudTrailParser,
    [
      'cloudtrail-register-task-definition-privileged.json',
      'cloudtrail-execute-command.json',
      'cloudtrail-run-task.json',
      'cloudtrail-s3-file.json',
    ],
  ],
  [
    'falco',
    falcoParser,
    [
      'falco-launch-privileged-container.json',
      'falco-terminal-shell-host.json',
      'falco-create-privileged-pod-k8s-audit.json',
    ],
  ],
];

const ERROR_CODES: readonly ParseErrorCode[] = ['invalid-record', 'missing-field', 'record-too-large'];

/** Keys the parsers look for, plus prototype keys, so random objects reach deep code paths. */
const INTERESTING_KEYS = [
  '__proto__',
  'constructor',
  'kind',
  'apiVersion',
  'stage',
  'verb',
  'objectRef',
  'resource',
  'subresource',
  'requestObject',
  'spec',
  'containers',
  'securityContext',
  'auditID',
  'items',
  'log',
  'message',
  'eventVersion',
  'eventSource',
  'eventName',
  'eventTime',
  'requestParameters',
  'containerDefinitions',
  'Records',
  'rule',
  'priority',
  'output',
  'output_fields',
  'time',
];

const key = fc.oneof(fc.constantFrom(...INTERESTING_KEYS), fc.string({ maxLength: 8 }));
/** JSON values built from interesting keys; objects are made by JSON.parse, so `__proto__` stays an own key. */
const hostileJson: fc.Arbitrary<unknown> = fc
  .letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.double(),
      fc.integer(),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('ResponseComplete', 'create', 'pods', 'exec', 'Event', 'audit.k8s.io/v1', 'ecs.amazonaws.com'),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    ),
  }))
  .value.map((value) => JSON.parse(JSON.stringify(value) ?? 'null') as unknown);

function assertWellFormed(outcome: ParseOutcome, input: RecordInput, format: string): void {
  if (outcome.ok) {
    for (const event of outcome.events) {
      expect(Number.isFinite(event.timeMs)).toBe(true);
      expect(new Date(event.time).toISOString()).toBe(event.time);
      expect(event.provenance.format).toBe(format);
    }
    return;
  }
  expect(ERROR_CODES).toContain(outcome.error.code);
  expect(outcome.error.format).toBe(format);
  expect(outcome.error.position).toEqual(input.position);
  expect(outcome.error.excerpt.length).toBeLessThanOrEqual(201);
}

/** Every path to a value inside an object, up to a depth, for mutation. */
function pathsOf(value: unknown, depth = 8, prefix: readonly (string | number)[] = []): (string | number)[][] {
  if (depth === 0 || value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, depth - 1, [...prefix, k])]);
}

/** Replaces (or deletes) the value at a path; a path an earlier mutation cut off is left alone. */
function mutate(
  root: Record<string, unknown>,
  at: readonly (string | number)[],
  replacement: unknown,
  remove: boolean,
) {
  let parent: unknown = root;
  for (const step of at.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return;
    parent = (parent as Record<string | number, unknown>)[step];
  }
  if (parent === null || typeof parent !== 'object') return;
  const last = at[at.length - 1] as string | number;
  const container = parent as Record<string | number, unknown>;
  if (remove && !Array.isArray(container)) delete container[last];
  else container[last] = replacement;
}

describe.each(PARSERS)('the %s parser under arbitrary input', (format, factory, fixtures) => {
  it('never throws on arbitrary JSON, and fails only with a typed, positioned error', () => {
    fc.assert(
      fc.property(hostileJson, fc.nat(1000), (value, index) => {
        const input = recordOf(value, { index });
        const parser = factory.create();
        parser.sniff(input);
        assertWellFormed(parser.parse(input), input, format);
      }),
      { numRuns: 250 },
    );
  });

  it('never throws on mutated real records', () => {
    const originals = fixtures.map((name) => fixture(name));
    const pathLists = originals.map((original) => pathsOf(original));
    fc.assert(
      fc.property(
        fc.nat(originals.length - 1),
        fc.array(fc.tuple(fc.nat(), hostileJson, fc.boolean()), { minLength: 1, maxLength: 4 }),
        (which, mutations) => {
          const record = structuredClone(originals[which]) as Record<string, unknown>;
          const paths = pathLists[which] ?? [];
          for (const [pick, replacement, remove] of mutations) {
            const at = paths[pick % paths.length];
            if (at !== undefined) mutate(record, at, replacement, remove);
          }
          const input = recordOf(record);
          const parser = factory.create();
          expect(parser.sniff(input)).toEqual(expect.any(Boolean));
          assertWellFormed(parser.parse(input), input, format);
        },
      ),
      { numRuns: 250 },
    );
  });
});
