/**
 * The BullMQ desk in one process against a real Redis (started by the test when redis-server is
 * installed): ordering, idempotency, wake-ups, dead letters, the sweep.
 */
import { Queue } from 'bullmq';
import { describe, expect, it, vi } from 'vitest';
import { runnerKeys } from '../../internal/internals.js';
import { memoryStore, ServiceFlowError, slaPolicy, type SnapshotStore } from 'serviceflow';
import { makeInput, makeProcess } from '../../support/fixtures.js';
import { REDIS_SKIP_HINT, redisAvailability } from '../../support/redis-server.js';
import { desksOnRedis } from './support/desks-on-redis.js';

const availability = redisAvailability();
// The one line for every suite that needs Redis (this file, the reliability scenarios, examples/scaling.ts).
if (availability.kind === 'none')
  console.log(`[serviceflow] BullMQ/Redis suites skipped (${availability.reason}): ${REDIS_SKIP_HINT}.`);
const describeWithRedis = availability.kind === 'none' ? describe.skip : describe;

// Deadlines an hour away stay out of the way; the wake-up tests use ones due in 400 ms and 1.5 s.
const process = makeProcess({ sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [] }) });
const hasty = makeProcess({ sla: slaPolicy({ targets: [{ firstResponse: 400, resolution: '8h' }], warnAt: [] }) });
const brisk = makeProcess({ sla: slaPolicy({ targets: [{ firstResponse: 1_500, resolution: '8h' }], warnAt: [] }) });

describeWithRedis('createBullmqDesk on a real Redis', () => {
  const desks = desksOnRedis(availability, 'desk-test', { process });
  const { deskWith } = desks;

  const at = Date.now();

  it('opens an inquiry and applies its events in log order', async () => {
    const { desk, store } = deskWith();
    const opened = await desk.open(makeInput({ at }));
    expect(opened).toEqual({ id: 'T-1', sequence: 1 });
    // Fired without waiting: the log numbers them in call order, the drain applies them in that order.
    const sends = Array.from({ length: 60 }, (_, i) =>
      desk.send(
        'T-1',
        i % 2 === 0
          ? { type: 'customer.reply', at: at + i + 1 }
          : { type: 'agent.reply', agentId: 'ana', at: at + i + 1 },
      ),
    );
    const submitted = await Promise.all(sends);
    expect(submitted.map((entry) => entry.sequence)).toEqual(Array.from({ length: 60 }, (_, i) => i + 2));
    const inquiry = await desk.waitUntilApplied(submitted.at(-1)!);
    expect(inquiry.appliedSequence).toBe(61);
    expect(inquiry.view.lastEventAt).toBe(at + 60);
    expect(await desk.deadLetters()).toEqual([]);
    expect((await store.journal('T-1')).filter((entry) => entry.type === 'sla.met')).not.toHaveLength(0);
  });

  it('delivers effects to listeners after the save, with journal ids', async () => {
    const { desk, store } = deskWith();
    const seen: [string, string, number][] = [];
    desk.on('effect', async (effect, delivery) => {
      seen.push([delivery.id, effect.type, (await store.load('T-1'))?.version ?? 0]);
    });
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    await desk.waitUntilApplied(await desk.send('T-1', { type: 'agent.reply', at: at + 1 }));
    expect(seen.slice(0, 2)).toEqual([
      ['T-1:1:0', 'sla.started', 1],
      ['T-1:1:1', 'sla.started', 1],
    ]);
    expect(seen).toContainEqual(['T-1:2:0', 'sla.met', 2]);
  });

  it('fires a deadline from a delayed job, once, stamped with its due time', async () => {
    const { desk, store } = deskWith({ process: hasty });
    const opened = await desk.open(makeInput({ at: Date.now() }));
    const { wakeAt } = await desk.waitUntilApplied(opened);
    for (let i = 0; i < 100 && !(await store.journal('T-1')).some((entry) => entry.type === 'sla.breached'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const breaches = (await store.journal('T-1')).filter((entry) => entry.type === 'sla.breached');
    expect(breaches.map((entry) => entry.at)).toEqual([wakeAt]);
    // Applied entries are trimmed (no archive); the trim rides on the next log read or goes on its own a
    // few milliseconds later, so it is awaited rather than expected at once.
    const ticks = async () =>
      [...(await desk.logEntries('T-1')).values()]
        .map((text) => JSON.parse(text) as { kind: string })
        .filter((entry) => entry.kind === 'tick');
    for (let i = 0; i < 100 && (await ticks()).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await ticks()).toHaveLength(0);
  });

  it('de-duplicates wake-up jobs by inquiry and due time', async () => {
    const { desk, queueName } = deskWith({ worker: false });
    const queue = new Queue(queueName, { connection: desks.admin, prefix: 'serviceflow' });
    try {
      await desk.open(makeInput({ at }));
      for (let i = 0; i < 3; i++)
        await queue.add(
          'wake',
          { kind: 'wake', inquiryId: 'T-1', dueAt: at + 1_000_000 },
          { jobId: `wake-T-1-${at + 1_000_000}`, delay: 1_000_000 },
        );
      expect(await queue.getDelayedCount()).toBe(1);
    } finally {
      await queue.close();
    }
  });

  it('refuses malformed events and inputs at once, before anything reaches Redis', async () => {
    const { desk } = deskWith({ worker: false });
    const error = await desk.send('T-1', { type: 'explode', at } as never).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ServiceFlowError);
    expect((error as ServiceFlowError).code).toBe('INVALID_EVENT');
    await expect(desk.open({ ...makeInput(), channel: 'fax' } as never)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('dead-letters events the process refuses, with the reason, and applies the rest', async () => {
    const { desk } = deskWith();
    await desk.open(makeInput({ at }));
    await desk.send('T-1', { type: 'cancel', at: at + 1 });
    const refused = await desk.send('T-1', { type: 'agent.reply', at: at + 2 });
    await desk.send('ghost', { type: 'agent.reply', at: at + 3 });
    const inquiry = await desk.waitUntilApplied(refused);
    expect(inquiry.view.stage).toBe('cancelled');
    for (let i = 0; i < 100 && (await desk.deadLetters()).length < 2; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const letters = await desk.deadLetters();
    expect(letters.map((letter) => [letter.key, letter.reason.code])).toEqual(
      expect.arrayContaining([
        ['T-1#3', 'EVENT_NOT_ALLOWED'],
        ['ghost#1', 'INVALID_INPUT'],
      ]),
    );
    expect(letters.find((letter) => letter.key === 'T-1#3')?.payload).toEqual({
      kind: 'event',
      event: { type: 'agent.reply', at: at + 2 },
    });
  });

  it('waits for the save of an inquiry whose later entry was refused before it (regression: reported "no inquiry was opened")', async () => {
    // The drain records the refusal of entry 3 before it creates the inquiry from entries 1-2; a
    // slow create left waitUntilApplied seeing the dead letter and no snapshot.
    const inner = memoryStore();
    const slow: SnapshotStore = {
      ...inner,
      create: async (write) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return inner.create(write);
      },
    };
    const { desk } = deskWith({ store: slow });
    await desk.open(makeInput({ at }));
    await desk.send('T-1', { type: 'cancel', at: at + 1 });
    const refused = await desk.send('T-1', { type: 'agent.reply', at: at + 2 });
    const inquiry = await desk.waitUntilApplied(refused);
    expect(inquiry.view.stage).toBe('cancelled');
  });

  it('reports an entry refused with no inquiry opened', async () => {
    const { desk } = deskWith();
    const ghost = await desk.send('ghost', { type: 'agent.reply', at: at + 3 });
    const error = await desk.waitUntilApplied(ghost).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceFlowError);
    expect((error as ServiceFlowError).code).toBe('INVALID_INPUT');
    expect((error as ServiceFlowError).message).toContain('was refused (see deadLetters()) and no inquiry was opened');
  });

  it('dead-letters malformed job data and malformed log entries, and loses nothing else', async () => {
    const { desk, queueName } = deskWith();
    const keys = runnerKeys('serviceflow', queueName);
    const queue = new Queue(queueName, { connection: desks.admin, prefix: 'serviceflow' });
    try {
      await desk.waitUntilApplied(await desk.open(makeInput({ at })));
      const garbage = await queue.add('drain', { kind: 'drain' });
      await queue.add('whatever', 'hello' as never);
      // A producer that wrote junk straight into the log, between two good events.
      await desks.admin.hset(keys.log('T-1'), String(await desks.admin.incr(keys.sequence('T-1'))), '{not json');
      await desks.admin.hset(
        keys.log('T-1'),
        String(await desks.admin.incr(keys.sequence('T-1'))),
        JSON.stringify({ kind: 'teleport' }),
      );
      const last = await desk.send('T-1', { type: 'resolve', at: at + 5 });
      expect(last.sequence).toBe(4); // 1 open, 2 and 3 junk
      expect((await desk.waitUntilApplied(last)).view.stage).toBe('followUp');
      for (let i = 0; i < 100 && (await desk.deadLetters()).length < 4; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const reasons = Object.fromEntries(
        (await desk.deadLetters()).map((letter) => [letter.key, [letter.reason.code, letter.reason.message]]),
      );
      expect(reasons[`job:${garbage.id}`]).toEqual(['MALFORMED_PAYLOAD', expect.stringMatching(/inquiryId/)]);
      expect(reasons['T-1#2']).toEqual(['MALFORMED_PAYLOAD', 'the log entry is not JSON']);
      expect(reasons['T-1#3']).toEqual(['MALFORMED_PAYLOAD', expect.stringMatching(/kind/)]);
      expect(Object.keys(reasons)).toHaveLength(4);
    } finally {
      await queue.close();
    }
  });

  it('fails only its own drain when an inquiry log cannot be read, while drains read together apply', async () => {
    const { desk: producer, store, queueName } = deskWith({ worker: false });
    const keys = runnerKeys('serviceflow', queueName);
    const ids = ['T-1', 'T-2', 'T-3', 'T-4', 'T-5', 'T-6'];
    const opened = await Promise.all(ids.map((id) => producer.open(makeInput({ id, at }))));
    // Written behind the desk's back: T-3's log is no longer a hash, so reading it fails.
    await desks.admin.del(keys.log('T-3'));
    await desks.admin.set(keys.log('T-3'), 'not a hash');
    const { desk: worker } = deskWith({ queueName, store });
    const errors: { inquiryId: string | undefined; message: string }[] = [];
    worker.on('error', (error, context) => errors.push({ inquiryId: context.inquiryId, message: String(error) }));
    for (const submitted of opened.filter(({ id }) => id !== 'T-3'))
      expect((await worker.waitUntilApplied(submitted)).view.stage).toBe('inquiry');
    for (let i = 0; i < 100 && !errors.some(({ inquiryId }) => inquiryId === 'T-3'); i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(errors.filter(({ inquiryId }) => inquiryId !== 'T-3')).toEqual([]);
    expect(errors.find(({ inquiryId }) => inquiryId === 'T-3')?.message).toMatch(/Reading the log failed: WRONGTYPE/);
    expect(await store.load('T-3')).toBeUndefined();
  });

  it('applies nothing twice when drain jobs are delivered many times and race each other', async () => {
    const { desk, store, queueName } = deskWith({ worker: { concurrency: 16, sweepInterval: 200, sweepGrace: 300 } });
    const queue = new Queue(queueName, { connection: desks.admin, prefix: 'serviceflow' });
    try {
      await desk.open(makeInput({ at }));
      const events = Array.from({ length: 30 }, (_, i) => ({
        id: 'T-1',
        event: { type: 'customer.reply' as const, at: at + i + 1 },
      }));
      const submitted = await desk.sendMany(events);
      // Duplicates without de-duplication: these drains run at the same time as the real one.
      await queue.addBulk(
        Array.from({ length: 40 }, () => ({ name: 'drain', data: { kind: 'drain', inquiryId: 'T-1' } })),
      );
      await desk.waitUntilApplied(submitted.at(-1)!);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The stored state and journal are exactly what the pure process makes of the log.
      let expected = process.start(makeInput({ at }));
      const expectedEffects: unknown[] = [...expected.effects];
      for (const { event } of events) {
        expected = process.send(expected.state, event);
        expectedEffects.push(...expected.effects);
      }
      const { appliedSequence, ...stored } = (await store.load('T-1'))?.state as { appliedSequence: number };
      expect(appliedSequence).toBe(31);
      expect(stored).toEqual(JSON.parse(JSON.stringify(expected.state)));
      expect((await store.journal('T-1')).map((entry) => entry.effect)).toEqual(
        JSON.parse(JSON.stringify(expectedEffects)),
      );
      expect(await desk.deadLetters()).toEqual([]);
    } finally {
      await queue.close();
    }
  });

  it('appends a send with a known event id once', async () => {
    const { desk } = deskWith();
    await desk.open(makeInput({ at }));
    const first = await desk.send('T-1', { type: 'agent.reply', at: at + 1 }, { eventId: 'reply-1' });
    const again = await desk.send('T-1', { type: 'agent.reply', at: at + 1 }, { eventId: 'reply-1' });
    expect(again).toEqual(first);
    const inquiry = await desk.waitUntilApplied(first);
    expect(inquiry.appliedSequence).toBe(2);
    expect(inquiry.view.firstRespondedAt).toBe(at + 1);
  });

  it('folds from the state it saved last, without loading it, while the log holds the next entry', async () => {
    const inner = memoryStore();
    const loads: string[] = [];
    const { desk } = deskWith({ store: { ...inner, load: async (id) => (loads.push(id), inner.load(id)) } });
    const appliedIn = async (sequence: number): Promise<void> => {
      for (
        let i = 0;
        i < 200 &&
        ((await inner.load('T-1'))?.state as { appliedSequence?: number } | undefined)?.appliedSequence !== sequence;
        i++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    await desk.open(makeInput({ at }));
    await appliedIn(1);
    expect(loads).toEqual(['T-1']); // the first drain: nothing cached yet
    for (const [i, type] of (['assign', 'agent.reply', 'resolve'] as const).entries()) {
      await desk.send('T-1', type === 'assign' ? { type, agentId: 'ana', at: at + i + 1 } : { type, at: at + i + 1 });
      await appliedIn(i + 2);
    }
    expect(loads).toEqual(['T-1']);
    expect((await inner.load('T-1'))?.version).toBe(4);
  });

  it('adds one drain job for the events that reach the log before a drain reads it', async () => {
    const { desk: producer, queueName } = deskWith({ worker: false });
    const adds = vi.spyOn(producer.drainQueue('T-1'), 'add');
    const bulkAdds = vi.spyOn(producer.drainQueue('T-1'), 'addBulk');
    await producer.open(makeInput({ at }));
    await producer.send('T-1', { type: 'assign', agentId: 'ana', at: at + 1 });
    await producer.sendMany([{ id: 'T-1', event: { type: 'agent.reply', at: at + 2 } }]);
    expect(adds).toHaveBeenCalledTimes(1);
    expect(bulkAdds).not.toHaveBeenCalled();
    // A worker drains all three; the next event needs a job of its own.
    const { desk: worker } = deskWith({ queueName });
    const applied = await worker.waitUntilApplied({ id: 'T-1', sequence: 3 });
    expect(applied.view.firstRespondedAt).toBe(at + 2);
    const last = await producer.send('T-1', { type: 'resolve', at: at + 3 });
    expect(adds).toHaveBeenCalledTimes(2);
    expect((await worker.waitUntilApplied(last)).view.stage).toBe('followUp');
  });

  it('adds a drain job for a retried send even while one is queued', async () => {
    const { desk: producer } = deskWith({ worker: false });
    const adds = vi.spyOn(producer.drainQueue('T-1'), 'add');
    await producer.open(makeInput({ at }));
    const first = await producer.send('T-1', { type: 'agent.reply', at: at + 1 }, { eventId: 'reply-1' });
    expect(adds).toHaveBeenCalledTimes(1);
    // The first attempt's job may be what failed: the retry adds one (de-duplicated by BullMQ).
    expect(await producer.send('T-1', { type: 'agent.reply', at: at + 1 }, { eventId: 'reply-1' })).toEqual(first);
    expect(adds).toHaveBeenCalledTimes(2);
  });

  it('leaves a deadline moved later to the wake-up job already scheduled, which schedules it when it fires', async () => {
    const { desk, store, queueName } = deskWith({ process: brisk });
    const queue = new Queue(queueName, { connection: desks.admin, prefix: 'serviceflow' });
    try {
      const opened = await desk.waitUntilApplied(await desk.open(makeInput({ at: Date.now() })));
      const firstResponseDue = opened.wakeAt;
      // The reply meets the first response: the next deadline (resolution, 8 h) is later.
      const replied = await desk.waitUntilApplied(await desk.send('T-1', { type: 'agent.reply', at: Date.now() }));
      expect(replied.wakeAt).toBeGreaterThan(firstResponseDue ?? Infinity);
      const delayedIds = async (): Promise<string[]> => (await queue.getDelayed()).map((job) => String(job.id)).sort();
      expect(await delayedIds()).toEqual([`wake-T-1-${firstResponseDue}`]);
      // The first-response job fires, finds the deadline moved, and schedules the later one.
      for (let i = 0; i < 100 && (await delayedIds())[0] !== `wake-T-1-${replied.wakeAt}`; i++)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await delayedIds()).toEqual([`wake-T-1-${replied.wakeAt}`]);
      expect((await store.journal('T-1')).filter((entry) => entry.type === 'sla.breached')).toEqual([]);
    } finally {
      await queue.close();
    }
  });

  it('sweeps up log entries whose producer died before adding their job', async () => {
    const { desk, queueName } = deskWith();
    const keys = runnerKeys('serviceflow', queueName);
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    // The append half of a send, without the job: what a producer leaves when it dies in between.
    const sequence = await desks.admin.incr(keys.sequence('T-1'));
    await desks.admin.hset(
      keys.log('T-1'),
      String(sequence),
      JSON.stringify({ kind: 'event', event: { type: 'resolve', at: at + 1 } }),
    );
    await desks.admin.zadd(keys.pending, Date.now() - 10_000, 'T-1');
    expect((await desk.waitUntilApplied({ id: 'T-1', sequence }, { timeout: 10_000 })).view.stage).toBe('followUp');
  });

  it('wakes a deadline whose wake-up job failed all its attempts, from the sweep (regression: the failed job kept its id)', async () => {
    let loadsFail = false;
    const inner = memoryStore();
    const store: SnapshotStore = Object.create(inner, {
      load: {
        value: async (id: string) => {
          if (loadsFail) throw Object.assign(new Error('connect ECONNREFUSED (injected)'), { code: 'ECONNREFUSED' });
          return inner.load(id);
        },
      },
    }) as SnapshotStore;
    const { desk, queueName } = deskWith({ process: hasty, store, retry: { attempts: 1, delay: 0 } });
    desk.on('error', () => undefined);
    const queue = new Queue(queueName, { connection: desks.admin, prefix: 'serviceflow' });
    try {
      const { wakeAt } = await desk.waitUntilApplied(await desk.open(makeInput({ at: Date.now() })));
      // The store is down when the wake-up job runs: its only attempt fails, and BullMQ keeps it.
      loadsFail = true;
      for (let i = 0; i < 100 && (await queue.getFailedCount()) === 0; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await queue.getFailedCount()).toBe(1);
      loadsFail = false;
      let breaches: number[] = [];
      for (let i = 0; i < 150 && breaches.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        breaches = (await inner.journal('T-1')).filter((e) => e.type === 'sla.breached').map((e) => e.at);
      }
      expect(breaches).toEqual([wakeAt]);
    } finally {
      await queue.close();
    }
  });
});
