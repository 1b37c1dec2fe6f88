import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyValueStore, mapKeyValue } from '../../examples/custom-store.js';
import { describeSnapshotStoreContract } from './contract.js';

describeSnapshotStoreContract('examples/custom-store.ts (keyValueStore over a Map)', async () => ({
  store: keyValueStore(mapKeyValue()),
  cleanup: async () => {},
}));

describe('docs/persistence.md "Your own store"', () => {
  it('shows the code of examples/custom-store.ts as it is', () => {
    const example = readFileSync(new URL('../../examples/custom-store.ts', import.meta.url), 'utf8');
    const docs = readFileSync(new URL('../../docs/persistence.md', import.meta.url), 'utf8');
    const region = /\/\/ #region store\n([\s\S]*?)\/\/ #endregion store/.exec(example)?.[1];
    expect(region).toBeDefined();
    expect(docs).toContain(region);
  });
});
