import type { SQSRecord } from 'aws-lambda';

/**
 * The SQS message body S3 sends for a new object (an S3 event notification, as the EDR feed receives it).
 * `keyAsSent` goes in verbatim: S3 URL-encodes keys ('+' for spaces), and callers test that decoding.
 */
export function s3NotificationBody(bucket: string, keyAsSent: string, size: number): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: '2026-11-27T12:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        requestParameters: { sourceIPAddress: '10.0.0.1' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'edr-feed',
          bucket: { name: bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${bucket}` },
          object: { key: keyAsSent, size, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
        },
      },
    ],
  });
}

/** The SQS record Lambda's event source hands the EDR feed for one message, sent at `sentMs`. */
export function sqsRecordOf(messageId: string, body: string, sentMs: number): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(sentMs),
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(sentMs),
    },
    messageAttributes: {},
    md5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:vmsentry-edr-feed',
    awsRegion: 'us-east-1',
  };
}
