/** The Lambda asynchronous-invocation on-failure destination record: requestPayload is the original event. */
export function onFailureRecord(requestPayload: unknown): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-27T12:00:05.000Z',
    requestContext: {
      requestId: 'req-1',
      functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:sub:$LATEST',
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'AlertsNotPublishedError', errorMessage: 'SNS down' },
  });
}
