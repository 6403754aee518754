export { BatchParser, type ParsedBatch, type ParseOptions, parseRecords } from './dispatch';
export {
  type CloudWatchDecodeOptions,
  decodeCloudWatchEvent,
  type FormatHint,
  isCloudWatchPayload,
} from './envelopes/cloudwatch';
export { decodeObjectBody } from './envelopes/object';
export type { EnvelopeResult } from './envelopes/result';
export { decodeSqsBody, type ObjectRef, s3ObjectsInSqsBody } from './envelopes/sqs';
export { recordsFromText, type TextDecodeOptions } from './envelopes/text';
export { DEFAULT_LIMITS, type SourceLimits } from './limits';
export type { ParseOutcome, ParserFactory, RecordInput, RecordParser, SourceContext } from './parser';
export { PARSERS, parserFor } from './registry';
export { parseText } from './text-batch';
