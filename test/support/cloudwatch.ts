import { gzipSync } from 'node:zlib';

/** A CloudWatch Logs subscription payload as CloudWatch builds it, for tests and local mode. */
export interface SubscriptionPayload {
  messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

export function subscriptionPayload(
  messages: readonly string[],
  options: { logGroup?: string; logStream?: string; owner?: string; startMs?: number } = {},
): SubscriptionPayload {
  const start = options.startMs ?? Date.UTC(2026, 10, 27, 12, 0, 0);
  return {
    messageType: 'DATA_MESSAGE',
    owner: options.owner ?? '123456789012',
    logGroup: options.logGroup ?? '/vmsentry/test',
    logStream: options.logStream ?? 'i-0123456789abcdef0',
    subscriptionFilters: ['vmsentry'],
    logEvents: messages.map((message, index) => ({
      id: `3${String(start + index).padStart(55, '0')}`,
      timestamp: start + index,
      message,
    })),
  };
}

/** The Lambda event CloudWatch sends: base64 of gzip of the JSON payload. */
export function subscriptionEvent(payload: unknown): { awslogs: { data: string } } {
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(payload))).toString('base64') } };
}
