/**
 * Partitions on a real Redis: two worker desks on one queue split the partitions between them,
 * the drains of an inquiry land on the worker that holds its state (no reloads), and a worker that
 * leaves hands its partitions to the one left.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore, slaPolicy, type SnapshotStore } from 'serviceflow';
import { makeInput, makeProcess } from '../../support/fixtures.js';
import { redisAvailability } from '../../support/redis-server.js';
import { desksOnRedis, type Desk } from './support/desks-on-redis.js';

const availability = redisAvailability();
const describeWithRedis = availability.kind === 'none' ? describe.skip : describe;
const process = makeProcess({ sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [] }) });
const worker = { concurrency: 8, heartbeatInterval: 100, lockDuration: 2_000, stalledInterval: 1_000 };

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const owned = (desk: Desk): number[] => [...desk.partitionWorkers().keys()].sort((a, b) => a - b);

describeWithRedis('partitions of the BullMQ desk on a real Redis', () => {
  const desks = desksOnRedis(availability, 'partitions-test', { process });
  const { deskWith } = desks;

  it('splits the partitions between the live workers, and gives a leaving worker’s to the others', async () => {
    const { desk: a, queueName } = deskWith({ worker, partitions: 8 });
    await until(() => owned(a).length === 8, 'the first worker to own every partition');
    const { desk: b } = deskWith({ worker, partitions: 8, queueName });
    await until(() => owned(a).length === 4 && owned(b).length === 4, 'the partitions to be split');
    expect([...owned(a), ...owned(b)].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await b.close();
    await until(() => owned(a).length === 8, 'the worker left to own every partition');
  });

  it('drains every event of an inquiry on the worker that saved it last, without loading it again', async () => {
    const inner = memoryStore();
    const loads: string[] = [];
    const store: SnapshotStore = { ...inner, load: async (id) => (loads.push(id), inner.load(id)) };
    const { desk: a, queueName } = deskWith({ store, worker });
    const { desk: b } = deskWith({ store, worker, queueName });
    await until(() => owned(a).length === 8 && owned(b).length === 8, 'the partitions to be split');
    const at = Date.now();
    await a.waitUntilApplied(await a.open(makeInput({ id: 'T-1', at })), { interval: 5 });
    const before = loads.filter((id) => id === 'T-1').length; // the first drain's, and the waits'
    for (let i = 1; i <= 6; i++) {
      const submitted = await (i % 2 === 0 ? a : b).send('T-1', { type: 'customer.reply', at: at + i });
      await until(
        async () =>
          ((await inner.load('T-1'))?.state as { appliedSequence?: number } | undefined)?.appliedSequence ===
          submitted.sequence,
        `entry ${submitted.sequence}`,
      );
    }
    expect(loads.filter((id) => id === 'T-1')).toHaveLength(before);
    expect((await inner.load('T-1'))?.version).toBe(7);
  });
});
