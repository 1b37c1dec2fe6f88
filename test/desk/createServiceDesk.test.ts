import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  createServiceDesk,
  manualClock,
  memoryStore,
  pollingScheduler,
  ServiceFlowError,
  slaPolicy,
  systemClock,
  timerScheduler,
  type EffectDelivery,
  type InquiryEffect,
  type inquiryMachine,
  type ManualClock,
  type ServiceDesk,
  type SlaBreachedEffect,
  type SnapshotStore,
} from 'serviceflow';
import { HOUR, MINUTE, T0, makeInput, makeProcess } from '../support/fixtures.js';

const process = makeProcess({ sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [] }) });
type Desk = ServiceDesk<typeof inquiryMachine>;

const desks: Desk[] = [];
function deskWith(options: Partial<Parameters<typeof createServiceDesk<typeof inquiryMachine>>[0]> = {}): {
  desk: Desk;
  clock: ManualClock;
  store: SnapshotStore;
} {
  const clock = manualClock(T0);
  const store = options.store ?? memoryStore();
  const desk = createServiceDesk({ process, clock, store, ...options });
  desks.push(desk);
  return { desk, clock: (options.clock as ManualClock | undefined) ?? clock, store };
}

afterEach(async () => {
  await Promise.all(desks.splice(0).map((desk) => desk.close()));
});

async function rejection(promise: Promise<unknown>): Promise<ServiceFlowError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ServiceFlowError)) throw new Error(`expected a ServiceFlowError, got ${String(error)}`);
  return error;
}

describe('createServiceDesk', () => {
  describe('open, send and get', () => {
    it('opens an inquiry at version 1 and reads it back as a view with its version', async () => {
      const { desk } = deskWith();
      const opened = await desk.open(makeInput());
      expect(opened).toMatchObject({ id: 'T-1', version: 1, wakeAt: T0 + HOUR });
      expect(opened.view.stage).toBe('inquiry');
      expect(opened.effects.map(({ id, effect }) => [id, effect.type])).toEqual([
        ['T-1:1:0', 'sla.started'],
        ['T-1:1:1', 'sla.started'],
      ]);
      const inquiry = await desk.get('T-1');
      expect(inquiry).toMatchObject({
        id: 'T-1',
        version: 1,
        wakeAt: T0 + HOUR,
        view: { stage: 'inquiry', priority: 'normal' },
      });
    });

    it('applies an event and returns the step: effects with journal ids, the view and the new version', async () => {
      const { desk, store } = deskWith();
      await desk.open(makeInput());
      const step = await desk.send('T-1', { type: 'agent.reply', agentId: 'ana', at: T0 + 10 * MINUTE });
      expect(step.version).toBe(2);
      expect(step.view.sla.firstResponse?.status).toBe('met');
      expect(step.effects.map(({ id, effect }) => [id, effect.type])).toEqual([['T-1:2:0', 'sla.met']]);
      expect((await store.journal('T-1', { afterVersion: 1 })).map((entry) => entry.id)).toEqual(['T-1:2:0']);
      expect(step.wakeAt).toBe(T0 + 8 * HOUR);
    });

    it('refuses an unknown id with INVALID_INPUT naming the id, and get returns undefined', async () => {
      const { desk } = deskWith();
      const error = await rejection(desk.send('nope', { type: 'close', at: T0 }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.path).toEqual(['id']);
      expect(error.message).toMatch(/No inquiry with id "nope".*open it first/);
      expect(await desk.get('nope')).toBeUndefined();
    });

    it('refuses to open an id twice with CONFLICT', async () => {
      const { desk } = deskWith();
      await desk.open(makeInput());
      expect((await rejection(desk.open(makeInput()))).code).toBe('CONFLICT');
    });

    it('refuses a bad input with INVALID_INPUT and writes nothing', async () => {
      const { desk, store } = deskWith();
      expect((await rejection(desk.open({ ...makeInput(), channel: 'fax' } as never))).code).toBe('INVALID_INPUT');
      expect(await store.list()).toEqual([]);
    });

    it('leaves the stored inquiry untouched when the process rejects an event', async () => {
      const { desk, store } = deskWith();
      await desk.open(makeInput());
      await desk.send('T-1', { type: 'cancel', at: T0 + MINUTE });
      const before = await store.load('T-1');
      const error = await rejection(desk.send('T-1', { type: 'agent.reply', at: T0 + 2 * MINUTE }));
      expect(error.code).toBe('EVENT_NOT_ALLOWED');
      expect(await store.load('T-1')).toEqual(before);
      expect((await rejection(desk.send('T-1', { type: 'explode', at: T0 } as never))).code).toBe('INVALID_EVENT');
    });

    it('applies concurrent sends to one inquiry one after the other, in call order, losing none', async () => {
      const { desk, store } = deskWith();
      await desk.open(makeInput());
      const sends = Array.from({ length: 40 }, (_, i) =>
        desk.send(
          'T-1',
          i % 2 === 0
            ? { type: 'customer.reply', at: T0 + (i + 1) * MINUTE }
            : { type: 'agent.reply', agentId: 'ana', at: T0 + (i + 1) * MINUTE },
        ),
      );
      const steps = await Promise.all(sends);
      expect(steps.map((step) => step.version)).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
      const stored = await store.load('T-1');
      expect(stored?.version).toBe(41);
      expect(stored?.lastEventAt).toBe(T0 + 40 * MINUTE);
    });

    it('keeps inquiries independent: a slow step of one does not hold up another', async () => {
      const base = memoryStore();
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const store: SnapshotStore = {
        ...base,
        async save(write) {
          if (write.id === 'slow') await gate;
          return base.save(write);
        },
      };
      const { desk } = deskWith({ store });
      await desk.open(makeInput({ id: 'slow' }));
      await desk.open(makeInput({ id: 'fast' }));
      const slow = desk.send('slow', { type: 'acknowledge', at: T0 + MINUTE });
      await desk.send('fast', { type: 'acknowledge', at: T0 + MINUTE });
      release();
      expect((await slow).version).toBe(2);
    });
  });

  describe('optimistic concurrency', () => {
    it('reloads and re-applies the event when another writer saved first', async () => {
      const base = memoryStore();
      let interfere = true;
      const other = makeProcess({
        sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [] }),
      });
      const store: SnapshotStore = {
        ...base,
        async save(write) {
          if (interfere) {
            interfere = false;
            // Another process sneaks its own step in between our load and our save.
            const current = await base.load(write.id);
            const step = other.send(other.restore(current!.state), {
              type: 'categorize',
              category: 'billing',
              at: T0 + MINUTE,
            }); // loaded just above
            await base.save({
              ...write,
              state: step.state,
              lastEventAt: T0 + MINUTE,
              effects: step.effects,
              expectedVersion: current!.version,
            });
          }
          return base.save(write);
        },
      };
      const { desk } = deskWith({ store });
      await desk.open(makeInput());
      const step = await desk.send('T-1', { type: 'assign', agentId: 'ana', at: T0 + 2 * MINUTE });
      expect(step.version).toBe(3);
      expect(step.view).toMatchObject({ category: 'billing', assignee: { agentId: 'ana' }, stage: 'resolution' });
    });

    it('gives up with CONFLICT after maxAttempts, saying so, and emits nothing', async () => {
      const base = memoryStore();
      const store: SnapshotStore = {
        ...base,
        async save(write) {
          const current = await base.load(write.id);
          await base.save({ ...write, expectedVersion: current!.version }); // always one step ahead (the id exists)
          return base.save(write);
        },
      };
      const { desk } = deskWith({ store, maxAttempts: 3 });
      const seen: string[] = [];
      desk.on('effect', (effect) => void seen.push(effect.type));
      await base.create({
        id: 'T-1',
        state: process.start(makeInput()).state,
        stage: 'inquiry',
        wakeAt: null,
        lastEventAt: T0,
        effects: [],
      });
      const error = await rejection(desk.send('T-1', { type: 'agent.reply', at: T0 + MINUTE }));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toMatch(/after 3 attempts/);
      expect(seen).toEqual([]);
    });
  });

  describe('the event bus', () => {
    it('delivers each effect on its own typed channel and on the effect channel, after the save', async () => {
      const { desk, store, clock } = deskWith();
      const breaches: [SlaBreachedEffect, EffectDelivery][] = [];
      const all: string[] = [];
      const versionsSeen: number[] = [];
      desk.on('sla.breached', (effect, delivery) => {
        expectTypeOf(effect).toEqualTypeOf<SlaBreachedEffect>();
        breaches.push([effect, delivery]);
      });
      desk.on('effect', async (effect) => {
        expectTypeOf(effect).toEqualTypeOf<InquiryEffect>();
        all.push(effect.type);
        versionsSeen.push((await store.load('T-1'))!.version); // the save happened before delivery
      });
      await desk.open(makeInput());
      await clock.advance(2 * HOUR);
      expect(breaches).toHaveLength(1);
      expect(breaches[0]![0]).toMatchObject({
        type: 'sla.breached',
        metric: 'firstResponse',
        at: T0 + HOUR,
        dueAt: T0 + HOUR,
      });
      expect(breaches[0]![1]).toEqual({ id: 'T-1:2:0', inquiryId: 'T-1', version: 2, index: 0, redelivery: false });
      expect(all).toEqual(['sla.started', 'sla.started', 'sla.breached']);
      expect(versionsSeen).toEqual([1, 1, 2]);
    });

    it('emits nothing when the save fails', async () => {
      const base = memoryStore();
      const store: SnapshotStore = { ...base, save: async () => Promise.reject(new Error('disk full')) };
      const { desk } = deskWith({ store });
      await desk.open(makeInput());
      const seen: string[] = [];
      desk.on('effect', (effect) => void seen.push(effect.type));
      await expect(desk.send('T-1', { type: 'agent.reply', at: T0 + MINUTE })).rejects.toThrow('disk full');
      expect(seen).toEqual([]);
    });

    it('marks delivered effects dispatched in the outbox', async () => {
      const { desk, store } = deskWith();
      desk.on('effect', () => {});
      await desk.open(makeInput());
      await desk.send('T-1', { type: 'agent.reply', at: T0 + MINUTE });
      await desk.close();
      expect(await store.undispatched()).toEqual([]);
      expect((await store.journal('T-1')).every((entry) => entry.dispatchedAt === T0)).toBe(true);
    });

    it('re-delivers an effect a listener failed on, with the same id, and reports the failure on the error channel', async () => {
      const { desk, clock, store } = deskWith({ outbox: { interval: 1_000 } });
      const errors: unknown[] = [];
      const deliveries: EffectDelivery[] = [];
      let failures = 1;
      desk.on(
        'error',
        (error, context) => void errors.push([context.operation, context.effectId, (error as Error).message]),
      );
      desk.on('sla.met', (_effect, delivery) => {
        deliveries.push(delivery);
        if (failures-- > 0) throw new Error('mail server down');
      });
      await desk.open(makeInput());
      await desk.send('T-1', { type: 'agent.reply', at: T0 + MINUTE });
      expect(errors).toEqual([['deliver', 'T-1:2:0', 'mail server down']]);
      expect((await store.undispatched()).map((entry) => entry.id)).toEqual(['T-1:2:0']);
      await clock.advance(2_000); // two sweeps: seen undispatched twice, so re-delivered
      expect(deliveries.map((delivery) => [delivery.id, delivery.redelivery])).toEqual([
        ['T-1:2:0', false],
        ['T-1:2:0', true],
      ]);
      await desk.close();
      expect(await store.undispatched()).toEqual([]);
    });

    it('delivers what a crashed run saved but never delivered (redeliver)', async () => {
      const store = memoryStore();
      const started = process.start(makeInput());
      // A run that saved its step and died before delivering it.
      await store.create({
        id: 'T-1',
        state: started.state,
        stage: 'inquiry',
        wakeAt: started.wakeAt,
        lastEventAt: T0,
        effects: started.effects,
      });
      const { desk } = deskWith({ store });
      const seen: [string, boolean][] = [];
      desk.on('effect', (_effect, { id, redelivery }) => void seen.push([id, redelivery]));
      expect(await desk.redeliver()).toBe(2);
      expect(seen).toEqual([
        ['T-1:1:0', true],
        ['T-1:1:1', true],
      ]);
      expect(await store.undispatched()).toEqual([]);
    });

    it('supports once and off', async () => {
      const { desk } = deskWith();
      const once: string[] = [];
      const removed: string[] = [];
      const listener = (): void => void removed.push('x');
      desk
        .once('sla.started', (effect) => void once.push(effect.metric))
        .on('sla.started', listener)
        .off('sla.started', listener);
      await desk.open(makeInput());
      expect(once).toEqual(['firstResponse']);
      expect(removed).toEqual([]);
    });
  });

  describe('wake-ups', () => {
    it('fires a deadline at its due time on the virtual clock, exactly once', async () => {
      const { desk, clock, store } = deskWith();
      await desk.open(makeInput());
      await clock.advance(HOUR - 1);
      expect((await store.journal('T-1')).map((entry) => entry.type)).toEqual(['sla.started', 'sla.started']);
      await clock.advance(1);
      await clock.advance(3 * HOUR);
      const breaches = (await store.journal('T-1')).filter((entry) => entry.type === 'sla.breached');
      expect(breaches.map((entry) => entry.at)).toEqual([T0 + HOUR]);
      expect((await desk.get('T-1'))?.wakeAt).toBe(T0 + 8 * HOUR);
    });

    it('ticks at the due time, so a late timer records the same state as a punctual one', async () => {
      const late = deskWith();
      const punctual = deskWith();
      for (const { desk } of [late, punctual]) await desk.open(makeInput());
      await punctual.clock.advance(HOUR);
      await late.clock.advance(HOUR);
      await late.clock.advance(0); // the same deadlines; the late desk just looks later
      await punctual.desk.send('T-1', { type: 'agent.reply', at: T0 + HOUR + MINUTE });
      await late.desk.send('T-1', { type: 'agent.reply', at: T0 + HOUR + MINUTE });
      expect((await late.desk.get('T-1'))?.state).toEqual((await punctual.desk.get('T-1'))?.state);
    });

    it('fires deadlines that fell due one after another in one step, each at its own time', async () => {
      const { desk, clock, store } = deskWith({ scheduler: false });
      await desk.open(makeInput());
      await clock.advance(10 * HOUR);
      const step = await desk.wake('T-1');
      expect(step?.effects.map(({ effect }) => [effect.type, effect.at])).toEqual([
        ['sla.breached', T0 + HOUR],
        ['sla.breached', T0 + 8 * HOUR],
      ]);
      expect(await desk.wake('T-1')).toBeNull();
      expect((await store.load('T-1'))?.version).toBe(2);
    });

    it('re-arms the wake-up when an event moves the deadline', async () => {
      const { desk, clock, store } = deskWith();
      await desk.open(makeInput());
      await desk.send('T-1', { type: 'agent.reply', at: T0 + MINUTE });
      await clock.advance(9 * HOUR);
      expect(
        (await store.journal('T-1')).filter((entry) => entry.type === 'sla.breached').map((entry) => entry.effect),
      ).toMatchObject([{ metric: 'resolution', at: T0 + 8 * HOUR }]);
    });

    it('recovers the pending wake-ups of an earlier run from the store', async () => {
      const store = memoryStore();
      const first = deskWith({ store });
      await first.desk.open(makeInput());
      await first.desk.close();
      const { desk, clock } = deskWith({ store, scheduler: timerScheduler() });
      const breached: number[] = [];
      desk.on('sla.breached', (effect) => void breached.push(effect.at));
      await clock.advance(2 * HOUR);
      expect(breached).toEqual([T0 + HOUR]);
    });

    it('lets several desks poll one store: every deadline fires once', async () => {
      const store = memoryStore();
      const clock = manualClock(T0);
      const a = createServiceDesk({ process, store, clock, scheduler: pollingScheduler({ interval: MINUTE }) });
      const b = createServiceDesk({ process, store, clock, scheduler: pollingScheduler({ interval: MINUTE }) });
      desks.push(a, b);
      for (let i = 0; i < 20; i++) await a.open(makeInput({ id: `T-${i}`, at: T0 + i * MINUTE }));
      await clock.advance(10 * HOUR);
      for (let i = 0; i < 20; i++) {
        const breaches = (await store.journal(`T-${i}`)).filter((entry) => entry.type === 'sla.breached');
        expect(breaches.map((entry) => entry.at)).toEqual([T0 + i * MINUTE + HOUR, T0 + i * MINUTE + 8 * HOUR]); // stamped with the due times
      }
    });

    it('waits out delays beyond setTimeout’s 2^31 ms limit instead of firing at once', async () => {
      vi.useFakeTimers({ now: T0 });
      try {
        const fired: number[] = [];
        systemClock.setTimer(() => void fired.push(Date.now()), 40 * 24 * HOUR);
        await vi.advanceTimersByTimeAsync(2 ** 31);
        expect(fired).toEqual([]);
        await vi.advanceTimersByTimeAsync(40 * 24 * HOUR - 2 ** 31);
        expect(fired).toEqual([T0 + 40 * 24 * HOUR]);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe('close', () => {
    it('waits for steps in flight, stops its timers and refuses new work', async () => {
      const base = memoryStore();
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const store: SnapshotStore = { ...base, save: async (write) => (await gate, base.save(write)) };
      const { desk, clock } = deskWith({ store });
      await desk.open(makeInput());
      const inFlight = desk.send('T-1', { type: 'acknowledge', at: T0 + MINUTE });
      let closed = false;
      const closing = desk.close().then(() => (closed = true));
      await Promise.resolve();
      expect(closed).toBe(false);
      release();
      await closing;
      expect((await inFlight).version).toBe(2);
      expect(clock.pending).toBe(0);
      expect((await rejection(desk.send('T-1', { type: 'close', at: T0 + 2 * MINUTE }))).message).toMatch(/closed/);
    });
  });
});
