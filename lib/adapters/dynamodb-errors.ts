/** True for DynamoDB's "the condition did not hold" (the SDK error's name; no class import needed). */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
