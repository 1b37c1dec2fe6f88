/**
 * The desk under store faults and unwakeable inquiries (issue 12, items 1, 2 and 8): failed
 * wake-ups are retried with backoff, what can never be woken is parked for an operator, the
 * polling scheduler never spins, and a retried send with the same eventId is applied once.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  createServiceDesk,
  escalationPolicy,
  manualClock,
  memoryStore,
  pollingScheduler,
  ServiceFlowError,
  slaPolicy,
  timerScheduler,
  type DeskErrorContext,
  type DeskScheduler,
  type DeskSendOptions,
  type inquiryMachine,
  type ParkedSnapshot,
  type ServiceDesk,
  type ServiceProcess,
  type SnapshotStore,
} from 'serviceflow';
import { faultyStore, InjectedStoreFault } from 'serviceflow/testing';
import { FIXTURE_T0 } from '../fixtures/write-inquiry-states.js';
import { DAY, HOUR, MINUTE, T0, makeInput, makeProcess } from '../support/fixtures.js';

const process = makeProcess({
  sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [] }),
  escalation: escalationPolicy({ levels: [{ name: 'agent' }, { name: 'specialist' }, { name: 'manager' }], rules: [] }),
});
type Desk = ServiceDesk<typeof inquiryMachine>;
type Scheduler = () => DeskScheduler;

const v0 = JSON.parse(readFileSync(new URL('../fixtures/inquiry-state-v0.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

const desks: Desk[] = [];
afterEach(async () => {
  await Promise.all(desks.splice(0).map((desk) => desk.close()));
});

interface Reported {
  readonly error: unknown;
  readonly context: DeskErrorContext;
}

function deskOn(
  store: SnapshotStore,
  scheduler: DeskScheduler,
  options: { process?: ServiceProcess<typeof inquiryMachine>; start?: number; cacheSize?: number } = {},
) {
  const clock = manualClock(options.start ?? T0);
  const desk = createServiceDesk({
    process: options.process ?? process,
    store,
    clock,
    scheduler,
    cacheSize: options.cacheSize ?? 10_000,
  });
  desks.push(desk);
  const errors: Reported[] = [];
  const parked: ParkedSnapshot[] = [];
  desk.on('error', (error, context) => errors.push({ error, context }));
  desk.on('parked', (info) => parked.push(info));
  return { desk, clock, errors, parked };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
}

const schedulers: [string, Scheduler][] = [
  ['timerScheduler', () => timerScheduler({ retry: { initialDelay: 1_000, maxDelay: 60_000 } })],
  ['pollingScheduler', () => pollingScheduler({ interval: 1_000, retry: { initialDelay: 1_000, maxDelay: 60_000 } })],
];

describe.each(schedulers)('a failed wake-up on the %s', (_name, scheduler) => {
  it('is retried: a deadline whose wake-up hit one store error still fires, stamped with its own time', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    const { desk, clock, errors } = deskOn(store, scheduler(), { cacheSize: 0 });
    await desk.open(makeInput());
    store.failNext('load'); // the wake-up's load at the first-response deadline: ECONNRESET
    await clock.advance(DAY); // before: still running a week later
    const inquiry = await desk.get('T-1');
    expect(inquiry?.view.sla.firstResponse).toMatchObject({ status: 'breached', breachedAt: T0 + HOUR });
    expect(errors).toEqual([
      {
        error: expect.any(InjectedStoreFault),
        context: expect.objectContaining({ operation: 'wake', inquiryId: 'T-1', attempt: 1 }),
      },
    ]);
  });

  it('fires a deadline exactly once when the save committed but its answer was lost', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    const { desk, clock, errors } = deskOn(store, scheduler());
    const delivered: string[] = [];
    desk.on('sla.breached', (_effect, { id }) => void delivered.push(id));
    await desk.open(makeInput());
    store.failNext('save', { timing: 'after' });
    await clock.advance(DAY);
    const breaches = (await store.journal('T-1')).filter((entry) => entry.type === 'sla.breached');
    expect(breaches.map((entry) => [entry.effect, entry.at])).toEqual([
      [expect.objectContaining({ metric: 'firstResponse' }), T0 + HOUR],
      [expect.objectContaining({ metric: 'resolution' }), T0 + 8 * HOUR],
    ]);
    expect(new Set(delivered)).toEqual(new Set(breaches.map((entry) => entry.id))); // the outbox re-delivered the lost one
    expect(errors).toHaveLength(1);
  });

  it('fires the deadlines of an inquiry whose open committed but lost its answer, even if nobody retries it', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    const { desk, clock } = deskOn(store, scheduler());
    store.failNext('create', { timing: 'after' });
    await rejection(desk.open(makeInput()));
    await clock.advance(DAY);
    expect((await desk.get('T-1'))?.view.sla.firstResponse).toMatchObject({
      status: 'breached',
      breachedAt: T0 + HOUR,
    });
  });

  it('backs off exponentially, capped, reporting each failed attempt once, and recovers when the store does', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    const { desk, clock, errors } = deskOn(store, scheduler());
    await desk.open(makeInput());
    store.failNext('save', { times: 9 });
    await clock.advance(HOUR + 10 * MINUTE);
    const wakes = errors.filter((reported) => reported.context.operation === 'wake');
    expect(wakes.map((reported) => reported.context.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Attempt n waits min(60 s, 1 s × 2^(n−1)), of which the upper half is jitter (plus up to one
    // poll interval on the polling scheduler): growing, capped, never a spin.
    for (let n = 2; n <= wakes.length; n++) {
      const gap = (wakes[n - 1]?.context.retryAt ?? 0) - (wakes[n - 2]?.context.retryAt ?? 0);
      const capped = Math.min(60_000, 1_000 * 2 ** (n - 1));
      expect(gap).toBeGreaterThanOrEqual(capped / 2);
      expect(gap).toBeLessThanOrEqual(capped + 1_000);
    }
    expect((await desk.get('T-1'))?.view.sla.firstResponse).toMatchObject({
      status: 'breached',
      breachedAt: T0 + HOUR,
    });
  });
});

describe('retry timing', () => {
  it('is deterministic for a seed, differs between inquiries, and stays within the capped exponential bounds', async () => {
    const run = async (seed: number) => {
      const store = faultyStore(memoryStore(), { failRate: 0 });
      const { desk, clock, errors } = deskOn(
        store,
        timerScheduler({ retry: { initialDelay: 1_000, maxDelay: 8_000, seed } }),
      );
      await desk.open(makeInput({ id: 'A' }));
      await desk.open(makeInput({ id: 'B' }));
      store.failNext('save', { times: 12 });
      await clock.advance(HOUR + 5 * MINUTE);
      return errors.map(({ context }) => [context.inquiryId, context.attempt, context.retryAt]);
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
    const retryAts = (id: string) => first.filter(([inquiry]) => inquiry === id).map(([, , at]) => at as number);
    expect(retryAts('A')).not.toEqual(retryAts('B'));
  });
});

describe.each(schedulers)('unwakeable inquiries on the %s', (_name, scheduler) => {
  it('parks an inquiry stored by a machine version without a migration: one attempt, a parked event, a journal record, listed for an operator', async () => {
    const store = memoryStore();
    await store.create({
      id: 'INQ-1001',
      state: v0,
      stage: 'resolution',
      wakeAt: FIXTURE_T0 + HOUR,
      lastEventAt: FIXTURE_T0,
      effects: [],
    });
    const { desk, clock, errors, parked } = deskOn(store, scheduler(), { start: FIXTURE_T0 });
    await clock.advance(DAY);
    expect(parked).toEqual([
      {
        id: 'INQ-1001',
        version: 2,
        stage: 'resolution',
        wakeAt: FIXTURE_T0 + HOUR,
        parkedAt: expect.any(Number),
        reason: { code: 'INCOMPATIBLE_STATE', message: expect.stringMatching(/no migration from '0'/) },
      },
    ]);
    expect(await desk.parked()).toEqual(parked);
    expect(errors).toEqual([]);
    expect(await store.due({ until: Number.MAX_SAFE_INTEGER })).toEqual([]);
    expect((await store.journal('INQ-1001')).map((entry) => entry.type)).toEqual(['inquiry.parked']);
    expect((await store.load('INQ-1001'))?.state).toEqual(v0); // parked, never overwritten
  });

  it('unparks after the operator deploys the migration: the inquiry is woken at once and its deadline fires', async () => {
    const store = memoryStore();
    await store.create({
      id: 'INQ-1001',
      state: v0,
      stage: 'resolution',
      wakeAt: FIXTURE_T0 + 24 * HOUR,
      lastEventAt: FIXTURE_T0 + 90 * MINUTE,
      effects: [],
    });
    const first = deskOn(store, scheduler(), { start: FIXTURE_T0 + 24 * HOUR });
    await first.clock.advance(MINUTE);
    expect(first.parked).toHaveLength(1);
    await first.desk.close();
    const migrating = makeProcess({
      sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '1d' }], warnAt: [] }),
      escalation: escalationPolicy({
        levels: [{ name: 'agent' }, { name: 'specialist' }],
        rules: [{ on: 'sla.breached', escalateTo: '+1' }],
      }),
      migrations: {
        '0': (state) => ({
          ...state,
          machine: { ...state.machine, version: '1' },
          context: { ...(state.context as object), contacts: [], reopenCount: 0 },
        }),
      },
    });
    const fixed = deskOn(store, scheduler(), { process: migrating, start: FIXTURE_T0 + 25 * HOUR });
    expect(await fixed.desk.unpark('INQ-1001')).toBe(true);
    expect(await fixed.desk.unpark('INQ-1001')).toBe(false);
    await fixed.clock.advance(2_000);
    expect(await fixed.desk.parked()).toEqual([]);
    const inquiry = await fixed.desk.get('INQ-1001');
    expect(inquiry?.view.sla.resolution).toMatchObject({ status: 'breached', breachedAt: FIXTURE_T0 + 24 * HOUR });
    expect((await store.journal('INQ-1001')).map((entry) => entry.type)).toEqual(
      expect.arrayContaining(['inquiry.parked', 'inquiry.unparked', 'sla.breached']),
    );
  });

  it('parks an inquiry whose tick never moves wakeAt instead of saving it in a loop', async () => {
    // A process whose ticks leave the inquiry due (a corrupt state or a buggy custom machine).
    const stuck: ServiceProcess<typeof inquiryMachine> = {
      ...process,
      send: (state, event) => {
        const result = process.send(state, event);
        return event.type === 'tick' ? { ...result, wakeAt: event.at as number } : result;
      },
    };
    const base = memoryStore();
    let saves = 0;
    const store: SnapshotStore = { ...base, save: (write) => (saves++, base.save(write)) };
    const { desk, clock, parked } = deskOn(store, scheduler(), { process: stuck });
    await desk.open(makeInput());
    await clock.advance(2 * HOUR);
    expect(parked.map(({ id, reason }) => [id, reason.code])).toEqual([['T-1', 'INCOMPATIBLE_STATE']]);
    expect(parked[0]?.reason.message).toMatch(/never gets past that deadline/);
    expect(saves).toBe(0); // before: about 700 saves a second
  });
});

describe('pollingScheduler', () => {
  it('never polls faster than its interval, and a full batch of unwakeable rows neither starves the others nor hangs the clock', async () => {
    const base = memoryStore();
    for (let i = 0; i < 100; i++) {
      await base.create({
        id: `old-${String(i).padStart(3, '0')}`,
        state: v0,
        stage: 'resolution',
        wakeAt: FIXTURE_T0,
        lastEventAt: FIXTURE_T0,
        effects: [],
      });
    }
    let dueCalls = 0;
    const store: SnapshotStore = { ...base, due: (query) => (dueCalls++, base.due(query)) };
    const { desk, clock, parked } = deskOn(store, pollingScheduler({ interval: 1_000, batch: 100 }), {
      start: FIXTURE_T0,
    });
    await desk.open(makeInput({ at: FIXTURE_T0 }));
    await clock.advance(2 * HOUR); // returns: before, a full batch polled again at the same instant forever
    expect(dueCalls).toBeLessThanOrEqual((2 * HOUR) / 1_000 + 1);
    expect(parked).toHaveLength(100);
    expect((await desk.get('T-1'))?.view.sla.firstResponse).toMatchObject({
      status: 'breached',
      breachedAt: FIXTURE_T0 + HOUR,
    });
  });

  it("corrects a stored wakeAt that is due but not the process's own, so due() stops offering the row", async () => {
    const store = memoryStore();
    const { desk, clock } = deskOn(store, pollingScheduler({ interval: 1_000 }), { cacheSize: 0 });
    const opened = await desk.open(makeInput());
    const stored = await store.load('T-1');
    await store.save({
      id: 'T-1',
      expectedVersion: 1,
      state: stored?.state,
      stage: 'inquiry',
      wakeAt: T0 - HOUR,
      lastEventAt: T0,
      effects: [],
    });
    await clock.advance(5_000);
    expect(await store.due({ until: clock.now() })).toEqual([]);
    expect((await store.load('T-1'))?.wakeAt).toBe(opened.wakeAt);
    expect(await store.journal('T-1', { afterVersion: 1 })).toEqual([]); // a correction, no effects
  });

  it('skips inquiries in backoff and asks due() for that many more, so failing rows never crowd out the others', async () => {
    const base = memoryStore();
    const failing = new Set<string>();
    const store: SnapshotStore = {
      ...base,
      load: async (id) => {
        if (failing.has(id)) throw new Error('ECONNRESET');
        return base.load(id);
      },
    };
    const { desk, clock } = deskOn(store, pollingScheduler({ interval: 1_000, batch: 2 }), { cacheSize: 0 });
    for (const id of ['a', 'b', 'c']) await desk.open(makeInput({ id }));
    failing.add('a');
    failing.add('b');
    await clock.advance(HOUR + 5_000);
    expect((await desk.get('c'))?.view.sla.firstResponse).toMatchObject({ status: 'breached', breachedAt: T0 + HOUR });
    failing.clear();
    await clock.advance(10 * MINUTE);
    for (const id of ['a', 'b'])
      expect((await desk.get(id))?.view.sla.firstResponse).toMatchObject({ status: 'breached', breachedAt: T0 + HOUR });
  });
});

describe('a store without park()', () => {
  it('keeps unwakeable inquiries parked in memory: listed, not retried, unparked on request', async () => {
    const { park: _park, unpark: _unpark, parked: _parked, ...rest } = memoryStore();
    const store: SnapshotStore = rest;
    await store.create({
      id: 'INQ-1001',
      state: v0,
      stage: 'resolution',
      wakeAt: FIXTURE_T0 + HOUR,
      lastEventAt: FIXTURE_T0,
      effects: [],
    });
    let loads = 0;
    const counting: SnapshotStore = { ...store, load: (id) => (loads++, store.load(id)) };
    const { desk, clock, parked } = deskOn(counting, pollingScheduler({ interval: 1_000 }), { start: FIXTURE_T0 });
    await clock.advance(2 * HOUR);
    expect(parked.map(({ id }) => id)).toEqual(['INQ-1001']);
    expect(loads).toBe(1);
    expect((await desk.parked()).map(({ id, reason }) => [id, reason.code])).toEqual([
      ['INQ-1001', 'INCOMPATIBLE_STATE'],
    ]);
    expect(await desk.unpark('INQ-1001')).toBe(true);
    await clock.advance(2_000);
    expect(loads).toBe(2); // tried again, and parked again
    expect(parked).toHaveLength(2);
  });
});

describe('send and open with an eventId', () => {
  it('applies a retried event once when its save committed but the answer was lost', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    const { desk } = deskOn(store, timerScheduler());
    await desk.open(makeInput());
    store.failNext('save', { timing: 'after' });
    const event = { type: 'escalate', at: T0 + MINUTE } as const;
    expect(await rejection(desk.send('T-1', event, { eventId: 'req-1' }))).toBeInstanceOf(InjectedStoreFault);
    const retried = await desk.send('T-1', event, { eventId: 'req-1' });
    expect(retried).toMatchObject({ version: 2, duplicate: true });
    expect(retried.effects.map(({ id, effect }) => [id, effect.type])).toEqual([['T-1:2:0', 'escalated']]);
    expect(retried.view.escalation).toMatchObject({ level: 1, name: 'specialist' });
    expect((await store.journal('T-1')).filter((entry) => entry.type === 'escalated')).toHaveLength(1);
  });

  it('applies the same event twice without an eventId (why the option exists)', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    const { desk } = deskOn(store, timerScheduler());
    await desk.open(makeInput());
    store.failNext('save', { timing: 'after' });
    const event = { type: 'escalate', at: T0 + MINUTE } as const;
    await rejection(desk.send('T-1', event));
    expect((await desk.send('T-1', event)).view.escalation.level).toBe(2);
  });

  it('remembers ids in the store: another desk on the same store sees a repeat too', async () => {
    const store = memoryStore();
    const first = deskOn(store, timerScheduler());
    await first.desk.open(makeInput());
    await first.desk.send('T-1', { type: 'escalate', at: T0 + MINUTE }, { eventId: 'req-1' });
    await first.desk.send('T-1', { type: 'agent.reply', at: T0 + 2 * MINUTE }, { eventId: 'req-2' });
    const second = deskOn(store, timerScheduler());
    const again = await second.desk.send('T-1', { type: 'escalate', at: T0 + MINUTE }, { eventId: 'req-1' });
    expect(again).toMatchObject({ version: 2, duplicate: true });
    expect(again.view.escalation.level).toBe(1);
    expect(
      (await second.desk.send('T-1', { type: 'escalate', at: T0 + 3 * MINUTE }, { eventId: 'req-3' })).view.escalation
        .level,
    ).toBe(2);
  });

  it('opens once when a retried open lost its answer', async () => {
    const store = faultyStore(memoryStore(), { failRate: 0 });
    const { desk } = deskOn(store, timerScheduler());
    store.failNext('create', { timing: 'after' });
    await rejection(desk.open(makeInput(), { eventId: 'open-T-1' }));
    const retried = await desk.open(makeInput(), { eventId: 'open-T-1' });
    expect(retried).toMatchObject({ id: 'T-1', version: 1, duplicate: true });
    expect(retried.effects.map(({ effect }) => effect.type)).toEqual(['sla.started', 'sla.started']);
    expect(await rejection(desk.open(makeInput(), { eventId: 'other' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await rejection(desk.open(makeInput()))).toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses an eventId that is not a non-empty storable string of at most 200 characters, with INVALID_INPUT', async () => {
    const { desk } = deskOn(memoryStore(), timerScheduler());
    await desk.open(makeInput());
    for (const eventId of ['', 'x'.repeat(201), 'nul\0', '\ud800', 42 as unknown as string]) {
      const error = await rejection(desk.send('T-1', { type: 'agent.reply', at: T0 + MINUTE }, { eventId }));
      expect(error).toBeInstanceOf(ServiceFlowError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT', path: ['eventId'] });
    }
    expect((await desk.get('T-1'))?.version).toBe(1);
  });

  it('types the option', () => {
    expectTypeOf<Desk['send']>().parameter(2).toEqualTypeOf<DeskSendOptions | undefined>();
    expectTypeOf<DeskSendOptions['eventId']>().toEqualTypeOf<string | undefined>();
  });
});
