import { MemoryHistoryStore } from '../../lib/history/memory-store';
import { describeHistoryStoreContract } from './store-contract';

describeHistoryStoreContract('MemoryHistoryStore', async () => new MemoryHistoryStore());

describe('MemoryHistoryStore cursors', () => {
  it('refuses a cursor it did not issue', async () => {
    await expect(new MemoryHistoryStore().list({ cursor: 'bm90IG91cnM' })).rejects.toThrow(/cursor/);
  });
});
