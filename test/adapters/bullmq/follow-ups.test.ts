/**
 * Automatic follow-ups on the BullMQ desk against a real Redis: a message to a closed inquiry
 * opens one linked follow-up, however often the event is sent, and also when the worker that saved
 * the request died before it opened the follow-up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcess,
  feedbackPolicy,
  followUpId,
  inquiryMachine,
  memoryStore,
  type SnapshotStore,
} from 'serviceflow';
import { createBullmqDesk, type BullmqDesk, type BullmqDeskOptions } from 'serviceflow/bullmq';
import { HOUR, makeInput } from '../../support/fixtures.js';
import { redisAvailability, startRedisServer, type RedisTestServer } from '../../support/redis-server.js';

const availability = redisAvailability();
const describeWithRedis = availability.kind === 'none' ? describe.skip : describe;

const process = createProcess(inquiryMachine, { feedback: feedbackPolicy({ survey: false }) });
type Desk = BullmqDesk<typeof inquiryMachine>;

/** Polls until `check` holds (a worker applies entries in the background). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeout = 30_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeout} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithRedis('automatic follow-ups (BullMQ desk)', () => {
  let server: RedisTestServer;
  let queueCount = 0;
  const open: Desk[] = [];

  beforeAll(async () => {
    server = await startRedisServer(availability);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((desk) => desk.close()));
  });

  function deskWith(options: Partial<BullmqDeskOptions<typeof inquiryMachine>> = {}): {
    desk: Desk;
    store: SnapshotStore;
  } {
    const store = options.store ?? memoryStore();
    const desk = createBullmqDesk({
      process,
      store,
      connection: { host: server.host, port: server.port },
      queueName: `follow-ups-${globalThis.process.pid}-${++queueCount}`,
      worker: { concurrency: 4, sweepInterval: 200, sweepGrace: 300 },
      outbox: { interval: 100 },
      archive: true,
      ...options,
    });
    open.push(desk);
    return { desk, store };
  }

  const at = Date.now() - 10 * 24 * HOUR;

  /** Opened an hour ago and closed by hand: no deadline is left for a wake-up to fire meanwhile. */
  async function closedInquiry(desk: Desk): Promise<number> {
    const opened = Date.now() - HOUR;
    await desk.waitUntilApplied(await desk.open(makeInput({ at: opened, category: 'billing' })));
    await desk.waitUntilApplied(await desk.send('T-1', { type: 'resolve', at: opened + 60_000 }));
    await desk.waitUntilApplied(await desk.send('T-1', { type: 'close', at: opened + 120_000 }));
    return opened;
  }

  it('opens one linked follow-up for a message to a closed inquiry, sent again and again', async () => {
    const { desk, store } = deskWith();
    const opened = await closedInquiry(desk);
    const heard: string[] = [];
    desk.on('followUp.requested', (request) => void heard.push(request.input.id));
    const late = opened + 30 * 60_000;
    const event = { type: 'customer.reply', at: late } as const;
    // Retried by the caller: the same event without an event id, and with one, twice each.
    await desk.send('T-1', event);
    await desk.send('T-1', event);
    await desk.send('T-1', event, { eventId: 'mail-42' });
    const last = await desk.send('T-1', event, { eventId: 'mail-42' });
    await desk.waitUntilApplied(last);

    const id = followUpId('T-1', late);
    const followUp = await eventually(
      () => desk.get(id),
      (inquiry) => inquiry !== undefined,
    );
    expect(followUp?.view).toMatchObject({
      id,
      stage: 'inquiry',
      followUpOf: 'T-1',
      receivedAt: late,
      category: 'billing',
    });
    await eventually(
      async () => heard.length,
      (count) => count === 3,
    );
    expect(heard).toEqual([id, id, id]);
    expect([...(await desk.logEntries(id)).values()].map((text) => JSON.parse(text).kind)).toEqual(['open']);
    expect(await desk.deadLetters()).toEqual([]);
    expect((await store.load(id))?.version).toBe(1);
    expect((await desk.get('T-1'))?.view).toMatchObject({ stage: 'closed', lastEventAt: opened + 120_000 });
  }, 60_000);

  it('opens the follow-up when the worker that saved the request died before opening it', async () => {
    const store = memoryStore();
    // What a worker saved before it died: the closed inquiry and the undelivered request.
    const closed = [
      { type: 'resolve', at: at + HOUR },
      { type: 'close', at: at + 2 * HOUR },
    ].reduce((step, event) => process.send(step.state, event as never), process.start(makeInput({ at })));
    const late = at + 6 * 24 * HOUR;
    const asked = process.send(closed.state, { type: 'customer.reply', at: late });
    expect(asked.effects.map((effect) => effect.type)).toEqual(['followUp.requested']);
    await store.create({
      id: 'T-1',
      state: asked.state,
      stage: 'closed',
      wakeAt: null,
      lastEventAt: at + 2 * HOUR,
      effects: asked.effects,
    });

    const { desk } = deskWith({ store });
    const id = followUpId('T-1', late);
    const followUp = await eventually(
      () => desk.get(id),
      (inquiry) => inquiry !== undefined,
    );
    expect(followUp?.view.followUpOf).toBe('T-1');
    await eventually(
      () => store.undispatched(),
      (entries) => entries.every((entry) => entry.snapshotId !== 'T-1'),
    );
    expect([...(await desk.logEntries(id)).values()]).toHaveLength(1);
  }, 60_000);
});
