import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { ALLOWLIST_TABLE, HISTORY_TABLE, STATE_TABLE, type TableDefinition } from '../../lib/model/tables';

/**
 * The tables, built from the same definitions (lib/model/tables.ts) the adapters, local mode and the integration
 * tests use. The allowlist is configuration an attacker would like to change: it is retained, deletion-protected,
 * point-in-time recoverable, and streams every change to the audit function.
 */
export class VmsentryTables extends Construct {
  readonly allowlist: dynamodb.Table;
  readonly state: dynamodb.Table;
  readonly history: dynamodb.Table;

  constructor(scope: Construct, id: string, props: { key: kms.IKey }) {
    super(scope, id);
    this.allowlist = new dynamodb.Table(this, 'Allowlist', {
      ...keySchema(ALLOWLIST_TABLE),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      ...(ALLOWLIST_TABLE.ttlAttribute ? { timeToLiveAttribute: ALLOWLIST_TABLE.ttlAttribute } : {}),
    });
    // Dedup and correlation state: rebuilt by the pipeline if lost, so it may be destroyed with the stack.
    this.state = new dynamodb.Table(this, 'State', {
      ...keySchema(STATE_TABLE),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
      ...(STATE_TABLE.ttlAttribute ? { timeToLiveAttribute: STATE_TABLE.ttlAttribute } : {}),
    });
    addIndexes(this.state, STATE_TABLE);
    // Alert history (docs/alert-history.md): analysts' triage notes, so recoverable; TTL bounds it by retention.
    this.history = new dynamodb.Table(this, 'History', {
      ...keySchema(HISTORY_TABLE),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
      ...(HISTORY_TABLE.ttlAttribute ? { timeToLiveAttribute: HISTORY_TABLE.ttlAttribute } : {}),
    });
    addIndexes(this.history, HISTORY_TABLE);
  }
}

function addIndexes(table: dynamodb.Table, definition: TableDefinition): void {
  for (const index of definition.indexes ?? []) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey.name, type: dynamodb.AttributeType.STRING },
      sortKey: { name: index.sortKey.name, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }
}

function keySchema(definition: TableDefinition): Pick<dynamodb.TableProps, 'partitionKey' | 'sortKey'> {
  return {
    partitionKey: { name: definition.partitionKey.name, type: dynamodb.AttributeType.STRING },
    ...(definition.sortKey ? { sortKey: { name: definition.sortKey.name, type: dynamodb.AttributeType.STRING } } : {}),
  };
}
