import { describe, expect, it } from 'vitest';
import { BatchedReads } from '../../../../src/adapters/bullmq/batched-reads.js';

/** A `send` that records each call's inquiries and answers with `answer`. */
function recording(answer: (inquiryId: string) => string | Error = (id) => `read of ${id}`) {
  const calls: string[][] = [];
  const reads = new BatchedReads<string>(async (inquiryIds) => {
    calls.push([...inquiryIds]);
    return inquiryIds.map(answer);
  });
  return { calls, reads };
}

describe('BatchedReads', () => {
  it('sends the reads of one tick in one call, and answers each with its own read', async () => {
    const { calls, reads } = recording();
    const answers = await Promise.all(['a', 'b', 'c'].map((id) => reads.read(id)));
    expect(answers).toEqual(['read of a', 'read of b', 'read of c']);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('gathers reads begun in promise continuations of the same burst (as jobs started by one reply are)', async () => {
    const { calls, reads } = recording();
    const started = Promise.resolve();
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((id, hops) => {
        let chain = started;
        for (let i = 0; i < hops; i++) chain = chain.then(() => undefined);
        return chain.then(() => reads.read(id));
      }),
    );
    expect(answers).toEqual(['read of a', 'read of b', 'read of c']);
    expect(calls).toEqual([['a', 'b', 'c']]);
  });

  it('sends reads of later ticks in calls of their own', async () => {
    const { calls, reads } = recording();
    await reads.read('a');
    await new Promise((resolve) => setImmediate(resolve));
    await reads.read('b');
    expect(calls).toEqual([['a'], ['b']]);
  });

  it('fails only the read whose answer is an error', async () => {
    const { reads } = recording((id) => (id === 'bad' ? new Error('WRONGTYPE') : `read of ${id}`));
    const settled = await Promise.allSettled(['a', 'bad', 'c'].map((id) => reads.read(id)));
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('WRONGTYPE'));
  });

  it('fails every read of a call that fails, and no read of another call', async () => {
    let call = 0;
    const reads = new BatchedReads<string>(async (inquiryIds) => {
      if (call++ === 0) throw new Error('connection lost');
      return inquiryIds.map((id) => `read of ${id}`);
    });
    const first = await Promise.allSettled(['a', 'b'].map((id) => reads.read(id)));
    expect(first.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(reads.read('a')).resolves.toBe('read of a');
  });

  it('splits a burst into calls of at most 64 reads, every read answered', async () => {
    const { calls, reads } = recording();
    const ids = Array.from({ length: 150 }, (_, i) => `i-${i}`);
    expect(await Promise.all(ids.map((id) => reads.read(id)))).toEqual(ids.map((id) => `read of ${id}`));
    expect(calls.map((ids) => ids.length)).toEqual([64, 64, 22]);
    expect(calls.flat()).toEqual(ids);
  });

  it('refuses an answer missing for a read', async () => {
    const reads = new BatchedReads<string>(async (inquiryIds) => inquiryIds.slice(1));
    const settled = await Promise.allSettled(['a', 'b'].map((id) => reads.read(id)));
    expect(settled[1]).toMatchObject({ status: 'rejected' });
    expect(String((settled[1] as PromiseRejectedResult).reason)).toContain('inquiry b got no answer');
  });
});
