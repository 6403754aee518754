import type { MiddlewareStack } from '@smithy/types';

/** Counts the API calls an SDK client makes (the summary reports DynamoDB and SNS calls per pass). */
export interface CallCounter {
  calls(): number;
  reset(): void;
}

export function countCalls<Input extends object, Output extends object>(client: {
  readonly middlewareStack: MiddlewareStack<Input, Output>;
}): CallCounter {
  let calls = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      calls++;
      return next(args);
    },
    { step: 'initialize', name: 'vmsentryLocalCallCounter' },
  );
  return {
    calls: () => calls,
    reset: () => {
      calls = 0;
    },
  };
}
