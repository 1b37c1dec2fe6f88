/** How inquiries spread over partitions and partitions over live workers, without Redis. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownedPartitions, partitionOf, partitionQueueName } from '../../../../src/adapters/bullmq/partitions.js';

describe('partitionOf', () => {
  it('gives an inquiry the same partition in every process and release (FNV-1a of its id)', () => {
    // Pinned: producers and workers of different releases must agree, so these never change.
    expect(['T-1', 'T-2', 'inquiry:42', ''].map((id) => partitionOf(id, 16))).toEqual([1, 8, 14, 0x811c9dc5 % 16]);
    expect(partitionOf('a', 1 << 30)).toBe(0xe40c292c % (1 << 30));
  });

  it('stays within the partition count', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 1_024 }), (id, count) => {
        const partition = partitionOf(id, count);
        expect(Number.isInteger(partition) && partition >= 0 && partition < count).toBe(true);
      }),
    );
  });

  it('spreads many inquiries about evenly', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`T-${i}`, 16)]! += 1; // index < 16
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
  });

  it('names the queue of a partition next to the shared queue', () => {
    expect(partitionQueueName('helpdesk', 3)).toBe('helpdesk.p3');
  });
});

describe('ownedPartitions', () => {
  it('gives every partition to exactly one live worker, evenly, whatever order they are listed in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 64 }),
        (members, count) => {
          const owned = members.map((member) => ownedPartitions([...members].reverse(), member, count));
          expect(owned.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, p) => p));
          const sizes = owned.map((partitions) => partitions.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('owns nothing for a worker that is not among the live ones', () => {
    expect(ownedPartitions(['a', 'b'], 'c', 16)).toEqual([]);
  });

  it('hands a leaving worker’s partitions to the ones left', () => {
    expect(ownedPartitions(['a', 'b'], 'a', 4)).toEqual([0, 2]);
    expect(ownedPartitions(['a'], 'a', 4)).toEqual([0, 1, 2, 3]);
  });
});
