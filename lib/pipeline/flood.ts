import {
  type Detection,
  type EnvelopeKind,
  type HostIdentity,
  isInstanceId,
  primaryHostName,
  severityRank,
} from '../model';

/**
 * Alert floods. Host names in a record are whatever its writer put there: one log line per forged host name lets
 * anyone who can write to a subscribed log group turn one batch into thousands of alerts, and building, claiming and
 * sending them all takes the batch (and the real alerts in it) past its time and memory. A flood is itself the
 * finding: past a threshold per rule and source in one batch, its detections become one alert that names the count,
 * the source and a sample of the hosts. Detections from other sources, and other rules, are untouched.
 */

/** Distinct hosts one rule may name from one source in one batch before they are reported as one flood alert. */
export const DEFAULT_ALERT_FLOOD_THRESHOLD = 50;
/** Host names listed in a flood alert. */
export const FLOOD_SAMPLE_HOSTS = 20;
const SAMPLE_NAME_CHARS = 64;

/** One collapsed flood, for counts and logs. */
export interface FloodSummary {
  readonly ruleId: string;
  /** Where the records came from (log group and stream, S3 object, file, SQS message). */
  readonly source: string;
  readonly detections: number;
  readonly hosts: number;
  readonly sample: readonly string[];
}

interface Bucket {
  readonly detections: Detection[];
  readonly hosts: Set<string>;
}

/**
 * The detections with every flood replaced by one flood detection, order kept (a flood takes the place of its first
 * member). Linear in the number of detections. A threshold below 1 turns collapsing off.
 */
export function collapseFloods(
  detections: readonly Detection[],
  threshold: number,
): { detections: Detection[]; floods: FloodSummary[] } {
  if (threshold < 1 || detections.length <= threshold) return { detections: [...detections], floods: [] };
  const buckets = new Map<string, Bucket>();
  const keyOf = new Map<Detection, string>();
  for (const detection of detections) {
    if (!FLOOD_ENVELOPES.has(detection.event.provenance.envelope)) continue;
    const key = `${detection.rule.id}\u001f${sourceKey(detection)}`;
    keyOf.set(detection, key);
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { detections: [], hosts: new Set() };
      buckets.set(key, bucket);
    }
    bucket.detections.push(detection);
    bucket.hosts.add(primaryHostName(detection.event.host));
  }
  const floods: FloodSummary[] = [];
  const out: Detection[] = [];
  const emitted = new Set<string>();
  for (const detection of detections) {
    const key = keyOf.get(detection);
    const bucket = key === undefined ? undefined : buckets.get(key);
    if (key === undefined || !bucket || bucket.hosts.size <= threshold) {
      out.push(detection);
      continue;
    }
    if (emitted.has(key)) continue;
    emitted.add(key);
    const { flood, summary } = floodDetection(bucket, threshold);
    floods.push(summary);
    out.push(flood);
  }
  return { detections: out, floods };
}

/**
 * Sources whose writer is a monitored host: a CloudWatch log stream (direct or through Kinesis) and local input. An
 * EDR feed object or message (s3, sqs) is written by the vendor's pipeline and carries many hosts by design, each
 * named by its agent: collapsing it would hide real hosts and bypass their per-host allowlist entries, and chunked
 * publishing already bounds what a large one costs.
 */
const FLOOD_ENVELOPES: ReadonlySet<EnvelopeKind> = new Set<EnvelopeKind>(['cloudwatch', 'file', 'stdin', 'inline']);

/** The envelope coordinates a record arrived in (not its index): what its writer cannot forge. */
function sourceKey(detection: Detection): string {
  const p = detection.event.provenance;
  return [p.envelope, p.logGroup, p.logStream, p.bucket, p.key, p.file, p.messageId].map((v) => v ?? '').join('\u001f');
}

function sourceLabel(detection: Detection): string {
  const p = detection.event.provenance;
  if (p.logGroup || p.logStream) return `log group ${p.logGroup ?? '?'}, stream ${p.logStream ?? '?'}`;
  if (p.key) return `s3://${p.bucket ?? '?'}/${p.key}`;
  if (p.file) return `file ${p.file}`;
  if (p.messageId) return `SQS message ${p.messageId}`;
  return p.envelope;
}

/**
 * The host a flood alert is about: the identity the delivery proves (the log stream, which the CloudWatch agent
 * names after the instance), never a host name from the records, which are the forged part.
 */
function sourceHost(detection: Detection): HostIdentity {
  const stream = detection.event.provenance.logStream;
  if (stream) return { logStream: stream, ...(isInstanceId(stream) ? { instanceId: stream } : {}) };
  return { hostname: sourceLabel(detection) };
}

/** Host names are attacker-sized (hundreds of KB): the flood alert shows their start. */
function shortName(host: string): string {
  return host.length <= SAMPLE_NAME_CHARS ? host : `${host.slice(0, SAMPLE_NAME_CHARS)}…`;
}

function floodDetection(bucket: Bucket, threshold: number): { flood: Detection; summary: FloodSummary } {
  // The most severe member speaks for the flood (the first one on a tie), as in any dedup group.
  const lead = bucket.detections.reduce((best, d) =>
    severityRank(d.severity) > severityRank(best.severity) ? d : best,
  );
  const sample: string[] = [];
  for (const host of bucket.hosts) {
    if (sample.length >= FLOOD_SAMPLE_HOSTS) break;
    sample.push(shortName(host));
  }
  const source = sourceLabel(lead);
  const summary: FloodSummary = {
    ruleId: lead.rule.id,
    source,
    detections: bucket.detections.length,
    hosts: bucket.hosts.size,
    sample,
  };
  const flood: Detection = {
    rule: { ...lead.rule, title: `Alert flood: ${lead.rule.title}` },
    severity: lead.severity,
    event: { ...lead.event, host: sourceHost(lead) },
    context: [
      `Alert flood: ${summary.detections} detections of this rule naming ${summary.hosts} distinct hosts arrived ` +
        `from one source (${source}) in one batch, more than the flood threshold of ${threshold}. They are reported ` +
        'as this one alert: the flood is the finding. Host names in records are written by whoever writes the log, ' +
        'so expect forged names; the source above is what the delivery proves.',
      `Sample hosts (${sample.length} of ${summary.hosts}): ${sample.join(', ')}`,
      `The event shown is the flood's most severe detection, on host ${shortName(primaryHostName(lead.event.host))}.`,
      ...(lead.context ?? []),
    ],
  };
  return { flood, summary };
}
