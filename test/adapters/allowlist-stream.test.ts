import type { DynamoDBRecord } from 'aws-lambda';
import { allowlistChangeOf } from '../../lib/adapters/allowlist-stream';
import { auditAlert } from '../../lib/alerts/allowlist-audit';

const ARN = 'arn:aws:dynamodb:eu-west-1:111122223333:table/allowlist/stream/2026-11-20T00:00:00.000';

describe('allowlistChangeOf', () => {
  it('reads operation, time, table, account, region and both images of a stream record', () => {
    const record: DynamoDBRecord = {
      eventID: 'ev-9',
      eventName: 'MODIFY',
      eventSourceARN: ARN,
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_795_186_800,
        OldImage: {
          host: { S: 'wks-1' },
          entryId: { S: 'a' },
          rule: { S: 'r' },
          reason: { S: 'x' },
          owner: { S: 'o' },
        },
        NewImage: {
          host: { S: 'wks-1' },
          entryId: { S: 'a' },
          rule: { S: '*' },
          broad: { BOOL: true },
          reason: { S: 'x' },
          owner: { S: 'o' },
          expiresAt: { N: '1795790000' },
        },
      },
    };
    const change = allowlistChangeOf(record, 4);
    expect(change).toMatchObject({
      operation: 'MODIFY',
      eventId: 'ev-9',
      timeMs: 1_795_186_800_000,
      index: 4,
      tableArn: ARN,
      accountId: '111122223333',
      region: 'eu-west-1',
      expiredByTtl: false,
      oldImage: { ok: true, entry: { rule: 'r' } },
      newImage: { ok: true, entry: { rule: '*' } },
    });
  });

  it('reads an image whose match carries a prototype key as unparseable (it alerts high), never as match-all', () => {
    const record: DynamoDBRecord = {
      eventID: 'ev-proto',
      eventName: 'INSERT',
      dynamodb: {
        NewImage: {
          host: { S: 'wks-1' },
          entryId: { S: 'p' },
          rule: { S: 'r' },
          match: { M: { ['__proto__']: { S: 'x' } } },
          reason: { S: 'x' },
          owner: { S: 'o' },
        },
      },
    };
    const change = allowlistChangeOf(record, 0);
    expect(change.newImage).toMatchObject({ ok: false, reason: expect.stringContaining('__proto__') });
    expect(auditAlert(change).severity).toBe('high');
  });

  it('does not take a REMOVE by a person for a TTL expiry', () => {
    const record = {
      eventID: 'x',
      eventName: 'REMOVE',
      userIdentity: { type: 'Service', principalId: 'someone-else' },
    };
    expect(allowlistChangeOf(record as DynamoDBRecord, 0).expiredByTtl).toBe(false);
  });

  it('turns a record without event name or images into an unparseable change that still alerts', () => {
    const change = allowlistChangeOf({} as DynamoDBRecord, 2);
    expect(change).toMatchObject({ operation: 'UNKNOWN', eventId: 'record-2', newImage: { ok: false } });
    const alert = auditAlert(change);
    expect(alert.severity).toBe('high');
    expect(alert.context[0]).toMatch(/^unparseable allowlist change: the stream record has no known event name/);
  });

  it('keeps a number too large to unmarshal as an unparseable image instead of throwing', () => {
    const record = {
      eventID: 'big',
      eventName: 'INSERT',
      dynamodb: { NewImage: { host: { S: 'h' }, expiresAt: { N: '1e400' } } },
    } as unknown as DynamoDBRecord;
    const change = allowlistChangeOf(record, 0);
    expect(change.newImage?.ok).toBe(false);
  });
});
