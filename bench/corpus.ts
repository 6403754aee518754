/**
 * Realistic mixed batches for benchmarks: real OTRF Security-Datasets telemetry (Sysmon 1, Security 4688, PowerShell
 * 4104, Sysmon for Linux in their collectors' shapes, benign for T1564.006) interleaved, with a small share of
 * T1564.006 positives written in the same shapes (a real record with its process fields swapped for a VM launch).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  linuxSysmonEvents,
  powershell4104Events,
  security4688Events,
  sysmonProcessEvents,
} from '../scripts/benign-telemetry/generate';
import { SeededRandom } from '../scripts/benign-telemetry/random';
import { otrfDir } from '../test/corpus/corpus-dir';
import { s3NotificationBody as s3NotificationOf } from '../test/support/s3-notification';

/** The stand-in: the sample generator's benign records, in the corpus files' proportions. */
function generatedCorpus(): Corpus {
  const lines = (records: Record<string, unknown>[]) => records.map((record) => JSON.stringify(record));
  return {
    source: 'generated stand-in (scripts/benign-telemetry): the OTRF corpus was not found',
    sysmon1: lines(sysmonProcessEvents(1800, new SeededRandom(101))),
    security4688: lines(security4688Events(1200, new SeededRandom(102))),
    powershell4104: lines(powershell4104Events(600, new SeededRandom(103))),
    linuxSysmon1: lines(linuxSysmonEvents(200, new SeededRandom(104))),
  };
}

export interface Corpus {
  /** Where the records came from: the OTRF directory, or the generated stand-in when it is absent. */
  readonly source: string;
  readonly sysmon1: readonly string[];
  readonly security4688: readonly string[];
  readonly powershell4104: readonly string[];
  readonly linuxSysmon1: readonly string[];
}

function lines(file: string): string[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
}

/**
 * The OTRF corpus where the corpus suite finds it (VMSENTRY_CORPUS_DIR, default ../shared/data beside the
 * repository); on a clone alone, benign telemetry generated here in the same shippers' shapes, so `npm run bench`
 * runs anywhere and says which it measured.
 */
export function loadCorpus(dir = otrfDir()): Corpus {
  if (!existsSync(dir)) return generatedCorpus();
  return {
    source: dir,
    sysmon1: lines(path.join(dir, 'win_sysmon1.jsonl.gz')),
    security4688: lines(path.join(dir, 'win_security4688.jsonl.gz')),
    powershell4104: lines(path.join(dir, 'win_powershell4104.jsonl.gz')),
    linuxSysmon1: lines(path.join(dir, 'linux_sysmon1.jsonl.gz')),
  };
}

/** VM launches an attacker would run, as (Image, CommandLine) pairs. */
const VM_LAUNCHES: readonly (readonly [string, string])[] = [
  [
    'C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe',
    '"C:\\Program Files\\Oracle\\VirtualBox\\VBoxManage.exe" startvm "ragnar" --type headless',
  ],
  ['C:\\Users\\Public\\vbox\\VBoxHeadless.exe', 'C:\\Users\\Public\\vbox\\VBoxHeadless.exe --startvm micro'],
  [
    'C:\\Program Files (x86)\\VMware\\VMware Workstation\\vmrun.exe',
    'vmrun -T ws start "C:\\Users\\bob\\AppData\\Local\\Temp\\vm\\x.vmx" nogui',
  ],
  [
    'C:\\Program Files\\qemu\\qemu-system-x86_64.exe',
    'qemu-system-x86_64.exe -m 1024 -hda C:\\Users\\bob\\AppData\\Local\\Temp\\tc.qcow2 -nographic -display none',
  ],
  [
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'powershell.exe -nop -c "New-VM -Name dev -MemoryStartupBytes 1GB; Start-VM dev"',
  ],
];

type Json = Record<string, unknown>;

/** A real Sysmon 1 record (any of its shapes) turned into a VM launch by replacing its process fields. */
function sysmonPositive(line: string, launch: readonly [string, string]): string | undefined {
  const record = JSON.parse(line) as Json;
  const [image, commandLine] = launch;
  if (typeof record['Image'] === 'string') {
    record['Image'] = image;
    record['CommandLine'] = commandLine;
    if (typeof record['Message'] === 'string') {
      record['Message'] = (record['Message'] as string)
        .replace(/\r\nImage: [^\r]*/, `\r\nImage: ${image}`)
        .replace(/\r\nCommandLine: [^\r]*/, `\r\nCommandLine: ${commandLine}`);
    }
    return JSON.stringify(record);
  }
  const eventData = record['event_data'];
  if (eventData !== null && typeof eventData === 'object' && typeof (eventData as Json)['Image'] === 'string') {
    (eventData as Json)['Image'] = image;
    (eventData as Json)['CommandLine'] = commandLine;
    return JSON.stringify(record);
  }
  return undefined;
}

/** A real Security 4688 record turned into a VM launch. */
function securityPositive(line: string, launch: readonly [string, string]): string | undefined {
  const record = JSON.parse(line) as Json;
  if (typeof record['NewProcessName'] !== 'string') return undefined;
  const [image, commandLine] = launch;
  record['NewProcessName'] = image;
  record['CommandLine'] = commandLine;
  if (typeof record['Message'] === 'string') {
    record['Message'] = (record['Message'] as string)
      .replace(/New Process Name:\t[^\r]*/, `New Process Name:\t${image}`)
      .replace(/Process Command Line:\t[^\r]*/, `Process Command Line:\t${commandLine}`);
  }
  return JSON.stringify(record);
}

/** A real PowerShell 4104 record whose script block builds and starts a Hyper-V VM. */
function scriptBlockPositive(line: string): string | undefined {
  const record = JSON.parse(line) as Json;
  if (typeof record['ScriptBlockText'] !== 'string') return undefined;
  const script = 'New-VM -Name hidden -MemoryStartupBytes 2GB -VHDPath C:\\ProgramData\\d.vhdx; Start-VM -Name hidden';
  record['ScriptBlockText'] = script;
  if (typeof record['Message'] === 'string') {
    record['Message'] = (record['Message'] as string).replace(
      /\(1 of 1\):\r\n[\s\S]*\r\n\r\nScriptBlock ID/,
      `(1 of 1):\r\n${script}\r\n\r\nScriptBlock ID`,
    );
  }
  return JSON.stringify(record);
}

/** Deterministic PRNG (mulberry32): the same seed gives the same batch in every run. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MixedBatchOptions {
  readonly events: number;
  /** Share of T1564.006 positives, 0..1 (default 0.01). */
  readonly positiveShare?: number;
  readonly seed?: number;
  /**
   * Relative weights of Sysmon 1, Security 4688, PowerShell 4104 and Sysmon for Linux records. Default 45/40/12/3:
   * process creation dominates real feeds; script blocks are fewer but large (median 13 KB here).
   */
  readonly weights?: readonly [number, number, number, number];
}

const DEFAULT_WEIGHTS: readonly [number, number, number, number] = [45, 40, 12, 3];

export interface MixedBatch {
  readonly messages: string[];
  readonly positives: number;
  readonly bytes: number;
}

/**
 * `events` records drawn from the four sources by weight (walking each file in order so consecutive
 * records differ, wrapping when a file is exhausted), with `positiveShare` of them replaced by VM launches.
 */
export function mixedBatch(corpus: Corpus, options: MixedBatchOptions): MixedBatch {
  const random = prng(options.seed ?? 1);
  const share = options.positiveShare ?? 0.01;
  const sources = [corpus.sysmon1, corpus.security4688, corpus.powershell4104, corpus.linuxSysmon1];
  const weights = options.weights ?? DEFAULT_WEIGHTS;
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cursors = sources.map(() => 0);
  const messages: string[] = [];
  let positives = 0;
  let bytes = 0;
  for (let index = 0; index < options.events; index++) {
    let pick = random() * total;
    let which = 0;
    while (which < sources.length - 1 && pick >= (weights[which] as number)) {
      pick -= weights[which] as number;
      which++;
    }
    const source = sources[which] as readonly string[];
    const line = source[(cursors[which] as number) % source.length] as string;
    cursors[which] = (cursors[which] as number) + 1;
    let message = line;
    if (random() < share) {
      const launch = VM_LAUNCHES[Math.floor(random() * VM_LAUNCHES.length)] as readonly [string, string];
      const positive =
        which === 0
          ? sysmonPositive(line, launch)
          : which === 1
            ? securityPositive(line, launch)
            : which === 2
              ? scriptBlockPositive(line)
              : undefined;
      if (positive !== undefined) {
        message = positive;
        positives++;
      }
    }
    messages.push(message);
    bytes += Buffer.byteLength(message);
  }
  return { messages, positives, bytes };
}

/** CloudWatch Logs subscription event for these messages (base64 of gzip of the payload JSON). */
export function cloudWatchEventOf(
  messages: readonly string[],
  options: { logGroup?: string; startMs?: number } = {},
): { awslogs: { data: string } } {
  const start = options.startMs ?? Date.UTC(2026, 10, 27, 12, 0, 0);
  const payload = {
    messageType: 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: options.logGroup ?? '/vmsentry/bench/windows',
    logStream: 'bench-stream',
    subscriptionFilters: ['vmsentry'],
    logEvents: messages.map((message, index) => ({
      id: `3${String(start + index).padStart(55, '0')}`,
      timestamp: start + index,
      message,
    })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}

/** An S3 object as an EDR export writes it: gzip'd NDJSON. */
export function ndjsonGzipOf(messages: readonly string[]): Buffer {
  return gzipSync(Buffer.from(`${messages.join('\n')}\n`));
}

/** The SQS message body S3 sends for a new object (keys URL-encoded, as S3 sends them). */
export function s3NotificationBody(bucket: string, key: string, size: number): string {
  return s3NotificationOf(bucket, encodeURIComponent(key), size);
}

/** An SQS Lambda event of these bodies (message ids msg-0, msg-1, ...). */
export function sqsEventOf(bodies: readonly string[]): { Records: SqsRecordShape[] } {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `msg-${index}`,
      receiptHandle: `handle-${index}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1795780800000',
        SenderId: 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: '1795780800001',
      },
      messageAttributes: {},
      md5OfBody: '098f6bcd4621d373cade4e832627b4f6',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:vmsentry-edr-feed',
      awsRegion: 'us-east-1',
    })),
  };
}

export interface SqsRecordShape {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: {
    ApproximateReceiveCount: string;
    SentTimestamp: string;
    SenderId: string;
    ApproximateFirstReceiveTimestamp: string;
  };
  messageAttributes: Record<string, never>;
  md5OfBody: string;
  eventSource: string;
  eventSourceARN: string;
  awsRegion: string;
}
