/**
 * One bad entry must not block a BullMQ inquiry: an entry whose state the store refuses, one that
 * makes the process throw, and a stored state that cannot be restored are dead-lettered with
 * their reason, and the inquiry's later entries go on; transient store errors are retried.
 * Against a real Redis (started by the test when redis-server is installed).
 */
import { describe, expect, it } from 'vitest';
import { runnerKeys } from '../../internal/internals.js';
import {
  memoryStore,
  slaPolicy,
  type inquiryMachine,
  type ServiceProcess,
  type SnapshotStore,
  type SnapshotWrite,
} from 'serviceflow';
import type { DeadLetter } from 'serviceflow/bullmq';
import { makeInput, makeProcess } from '../../support/fixtures.js';
import { redisAvailability } from '../../support/redis-server.js';
import { desksOnRedis, type Desk, type DesksOnRedis } from './support/desks-on-redis.js';

const availability = redisAvailability();
const describeWithRedis = availability.kind === 'none' ? describe.skip : describe;

const process = makeProcess({ sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [] }) });
// A first response due 300 ms after the open: its wake-up job fires during the test.
const hasty = makeProcess({ sla: slaPolicy({ targets: [{ firstResponse: 300, resolution: '8h' }], warnAt: [] }) });
type Process = ServiceProcess<typeof inquiryMachine>;

/** A store that counts its saves (a wake-up that loops shows as saves that never stop). */
function countingStore(): SnapshotStore & { saves: number; loads: number } {
  const inner = memoryStore();
  const counting: SnapshotStore & { saves: number; loads: number } = {
    ...inner,
    saves: 0,
    loads: 0,
    save: async (write) => (counting.saves++, inner.save(write)),
    load: async (id) => (counting.loads++, inner.load(id)),
  };
  return counting;
}

/** A PostgreSQL-like refusal: what `pg` throws for a jsonb value with `\u0000` in it. */
const untranslatable = (): Error =>
  Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05', severity: 'ERROR' });

/** A store that refuses (with `refusal()`) every write whose JSON contains `marker`, and counts the refusals. */
function refusingStore(marker: string, refusal: () => unknown): SnapshotStore & { refused: number } {
  const inner = memoryStore();
  const check = (write: SnapshotWrite): void => {
    if (JSON.stringify(write).includes(marker)) {
      counting.refused++;
      throw refusal();
    }
  };
  const counting: SnapshotStore & { refused: number } = {
    ...inner,
    refused: 0,
    create: async (write) => (check(write), inner.create(write)),
    save: async (write) => (check(write), inner.save(write)),
  };
  return counting;
}

describeWithRedis('the BullMQ desk with a poison entry', () => {
  const desks = desksOnRedis(availability, 'poison-test', { process, retry: { attempts: 3, delay: 20 } });
  let queueCount = 0;
  const deskWith: DesksOnRedis['deskWith'] = (options) => {
    const made = desks.deskWith(options);
    made.desk.on('error', () => {}); // the refusals and retries are reported here too
    return made;
  };

  /** Appends a log entry by hand, as a producer of another release or language could (no check at the door). */
  async function rawAppend(desk: Desk, queueName: string, id: string, entry: unknown): Promise<number> {
    const keys = runnerKeys('serviceflow', queueName);
    const sequence = await desks.admin.incr(keys.sequence(id));
    await desks.admin.hset(keys.log(id), String(sequence), JSON.stringify(entry));
    await desks.admin.zadd(keys.pending, 'NX', Date.now(), id);
    return sequence;
  }

  async function letterOf(desk: Desk, key: string): Promise<DeadLetter> {
    for (let i = 0; i < 250; i++) {
      const letter = (await desk.deadLetters({ count: 1_000 })).find((candidate) => candidate.key === key);
      if (letter !== undefined) return letter;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no dead letter ${key}: ${JSON.stringify(await desk.deadLetters())}`);
  }

  const at = Date.now();

  it('dead-letters an event whose state or effect the store refuses (a NUL, a lone surrogate) and applies the later events (regression: retried, then re-driven forever)', async () => {
    const { desk, queueName } = deskWith();
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    // Past send's door (an older producer): a NUL in an effect, a lone surrogate in the state.
    const nul = await rawAppend(desk, queueName, 'T-1', {
      kind: 'event',
      event: { type: 'escalate', reason: 'a\u0000b', at: at + 1 },
    });
    const surrogate = await rawAppend(desk, queueName, 'T-1', {
      kind: 'event',
      event: { type: 'resolve', resolution: 'x\ud800', at: at + 2 },
    });
    const later = await desk.send('T-1', { type: 'agent.reply', agentId: 'ana', at: at + 3 });
    const inquiry = await desk.waitUntilApplied(later, { timeout: 10_000 });
    expect(inquiry.view.stage).toBe('inquiry');
    expect(inquiry.view.escalation.level).toBe(0);
    expect(inquiry.view.lastEventAt).toBe(at + 3);
    for (const sequence of [nul, surrogate]) {
      const letter = await letterOf(desk, `T-1#${sequence}`);
      // Refused by the store here; by the process itself once it refuses such text at its door.
      expect(['STORE_REFUSED', 'INVALID_EVENT']).toContain(letter.reason.code);
      expect(letter.reason.message.length).toBeGreaterThan(20);
    }
    expect(await desk.logEntries('T-1')).toEqual(new Map());
  });

  it('dead-letters at once an entry the store refuses with a PostgreSQL data error (SQLSTATE 22P05), without retrying it', async () => {
    const store = refusingStore('POISON', untranslatable);
    const { desk } = deskWith({ store, retry: { attempts: 12, delay: 1_000 } });
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    const poison = await desk.send('T-1', { type: 'escalate', reason: 'POISON', at: at + 1 });
    const later = await desk.send('T-1', { type: 'escalate', reason: 'customer threatens to churn', at: at + 2 });
    const inquiry = await desk.waitUntilApplied(later, { timeout: 5_000 }); // far less than one retry's delay
    expect(inquiry.view.escalation.level).toBe(1);
    const letter = await letterOf(desk, `T-1#${poison.sequence}`);
    expect(letter).toMatchObject({
      inquiryId: 'T-1',
      sequence: poison.sequence,
      payload: { kind: 'event', event: { type: 'escalate', reason: 'POISON', at: at + 1 } },
    });
    expect(letter.reason.code).toBe('STORE_REFUSED');
    expect(letter.reason.message).toContain('22P05');
    expect(letter.reason.message).toContain('unsupported Unicode escape sequence');
    expect(store.refused).toBeLessThanOrEqual(2); // the run's write, then the entry's own
  });

  it('applies the good entries of a drain one at a time around the poison one, in order, each once', async () => {
    const store = refusingStore('POISON', untranslatable);
    const queueName = `poison-batch-${globalThis.process.pid}-${++queueCount}`;
    // Everything reaches the log before a worker runs: one drain folds all of it.
    const { desk: producer } = deskWith({ store, queueName, worker: false });
    await producer.open(makeInput({ at }));
    await producer.send('T-1', { type: 'customer.reply', at: at + 1 });
    const poison = await producer.send('T-1', { type: 'escalate', reason: 'POISON', at: at + 2 });
    await producer.send('T-1', { type: 'escalate', reason: 'VIP', at: at + 3 });
    const refused = await producer.send('T-1', { type: 'reopen', at: at + 4 }); // not allowed before a resolve
    const last = await producer.send('T-1', { type: 'resolve', resolution: 'refund issued', at: at + 5 });
    const { desk } = deskWith({ store, queueName });
    const inquiry = await desk.waitUntilApplied(last, { timeout: 10_000 });
    expect(inquiry.appliedSequence).toBe(last.sequence);
    expect(inquiry.view.stage).toBe('followUp');
    expect(inquiry.view.escalation.level).toBe(1); // VIP's, not POISON's
    const escalations = (await store.journal('T-1'))
      .filter((entry) => entry.type === 'escalated')
      .map((entry) => (entry.effect as { reason?: string }).reason);
    expect(escalations).toEqual(['VIP']);
    expect((await letterOf(desk, `T-1#${poison.sequence}`)).reason.code).toBe('STORE_REFUSED');
    expect((await letterOf(desk, `T-1#${refused.sequence}`)).reason.code).toBe('EVENT_NOT_ALLOWED');
    expect((await desk.deadLetters()).map((letter) => letter.key).sort()).toEqual(
      [`T-1#${poison.sequence}`, `T-1#${refused.sequence}`].sort(),
    );
    const effects = (await store.journal('T-1')).map((entry) => JSON.stringify(entry.effect));
    expect(new Set(effects).size).toBe(effects.length);
  });

  it('decides every entry after a refused one from the state without it (a NUL in a cancel does not cancel, so a later reply applies)', async () => {
    const queueName = `poison-batch-${globalThis.process.pid}-${++queueCount}`;
    const { desk: producer } = deskWith({ queueName, worker: false });
    await producer.open(makeInput({ at }));
    const cancel = await rawAppend(producer, queueName, 'T-1', {
      kind: 'event',
      event: { type: 'cancel', reason: 'spam\u0000', at: at + 1 },
    });
    const reply = await producer.send('T-1', { type: 'agent.reply', agentId: 'ana', at: at + 2 });
    const { desk, store } = deskWith({ queueName }); // one drain folds all three
    const inquiry = await desk.waitUntilApplied(reply, { timeout: 10_000 });
    expect(inquiry.view.stage).not.toBe('cancelled');
    expect(inquiry.view.lastEventAt).toBe(at + 2);
    expect((await store.journal('T-1')).some((entry) => entry.type === 'inquiry.cancelled')).toBe(false);
    expect((await letterOf(desk, `T-1#${cancel}`)).reason.code).not.toBe('EVENT_NOT_ALLOWED');
    expect((await desk.deadLetters()).map((letter) => letter.key)).toEqual([`T-1#${cancel}`]);
  });

  it('dead-letters an open entry the store refuses, and refuses the events after it as for an unknown inquiry', async () => {
    const store = refusingStore('POISON', untranslatable);
    const { desk } = deskWith({ store });
    const opened = await desk.open(makeInput({ at, subject: 'POISON' }));
    await letterOf(desk, `T-1#${opened.sequence}`);
    const event = await desk.send('T-1', { type: 'agent.reply', at: at + 1 });
    await expect(desk.waitUntilApplied(event, { timeout: 5_000 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect((await letterOf(desk, `T-1#${event.sequence}`)).reason.code).toBe('INVALID_INPUT');
    expect(await store.load('T-1')).toBeUndefined();
  });

  it('dead-letters an entry that makes the process throw an untyped error, and applies the later entries', async () => {
    const buggy: Process = {
      ...process,
      send: (state, event) => {
        if ((event as { agentId?: string }).agentId === 'bug')
          throw new TypeError("Cannot read properties of undefined (reading 'x')");
        return process.send(state, event);
      },
    };
    const { desk } = deskWith({ process: buggy, retry: { attempts: 12, delay: 1_000 } });
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    const bug = await desk.send('T-1', { type: 'agent.reply', agentId: 'bug', at: at + 1 });
    const later = await desk.send('T-1', { type: 'agent.reply', agentId: 'ana', at: at + 2 });
    expect((await desk.waitUntilApplied(later, { timeout: 5_000 })).view.lastEventAt).toBe(at + 2);
    const letter = await letterOf(desk, `T-1#${bug.sequence}`);
    expect(letter.reason.code).toBe('PROCESS_FAILED');
    expect(letter.reason.message).toContain("TypeError: Cannot read properties of undefined (reading 'x')");
  });

  it('retries a transient store error (a connection reset) and applies the entry once, dead-lettering nothing', async () => {
    const inner = memoryStore();
    let failures = 2;
    const flaky: SnapshotStore = {
      ...inner,
      save: async (write) => {
        if (failures-- > 0) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
        return inner.save(write);
      },
    };
    const { desk } = deskWith({ store: flaky, retry: { attempts: 3, delay: 20 } });
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    const event = await desk.send('T-1', { type: 'escalate', reason: 'VIP', at: at + 1 });
    // Two failures use up two of the three attempts, even the last-but-one: still not dead-lettered.
    expect((await desk.waitUntilApplied(event, { timeout: 10_000 })).view.escalation.level).toBe(1);
    expect(failures).toBeLessThan(0);
    expect(await desk.deadLetters()).toEqual([]);
    expect((await inner.journal('T-1')).filter((entry) => entry.type === 'escalated')).toHaveLength(1);
  });

  it('keeps retrying a transient error past the last attempt (the sweep re-drives it) and never dead-letters it', async () => {
    const inner = memoryStore();
    let down = true;
    const outage: SnapshotStore = {
      ...inner,
      save: async (write) => {
        if (down) throw Object.assign(new Error('Connection terminated unexpectedly'), {});
        return inner.save(write);
      },
    };
    const { desk } = deskWith({ store: outage, retry: { attempts: 2, delay: 20 } });
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    const event = await desk.send('T-1', { type: 'escalate', reason: 'VIP', at: at + 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // several jobs' last attempts
    expect(await desk.deadLetters()).toEqual([]);
    down = false;
    expect((await desk.waitUntilApplied(event, { timeout: 10_000 })).view.escalation.level).toBe(1);
    expect(await desk.deadLetters()).toEqual([]);
  });

  it("dead-letters an entry whose write fails with an error of unknown kind on its job's last attempt", async () => {
    const store = refusingStore('POISON', () => new Error('document too large'));
    const { desk } = deskWith({ store, retry: { attempts: 3, delay: 20 } });
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    const poison = await desk.send('T-1', { type: 'escalate', reason: 'POISON', at: at + 1 });
    const later = await desk.send('T-1', { type: 'agent.reply', at: at + 2 });
    expect((await desk.waitUntilApplied(later, { timeout: 10_000 })).view.escalation.level).toBe(0);
    const letter = await letterOf(desk, `T-1#${poison.sequence}`);
    expect(letter.reason).toEqual({
      code: 'STORE_REFUSED',
      message: expect.stringContaining('on the last attempt of its job: Error: document too large'),
    });
    expect(store.refused).toBeGreaterThanOrEqual(3);
  });

  it('sorts errors as the worker option classifyError says', async () => {
    const store = refusingStore('POISON', () =>
      Object.assign(new Error('E11000-ish refusal'), { code: 'DOC_TOO_BIG' }),
    );
    const { desk } = deskWith({
      store,
      retry: { attempts: 12, delay: 1_000 },
      worker: {
        concurrency: 8,
        sweepInterval: 200,
        sweepGrace: 300,
        classifyError: (error) => ((error as { code?: unknown }).code === 'DOC_TOO_BIG' ? 'permanent' : undefined),
      },
    });
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    const poison = await desk.send('T-1', { type: 'escalate', reason: 'POISON', at: at + 1 });
    const later = await desk.send('T-1', { type: 'agent.reply', at: at + 2 });
    await desk.waitUntilApplied(later, { timeout: 5_000 });
    expect((await letterOf(desk, `T-1#${poison.sequence}`)).reason.message).toContain('DOC_TOO_BIG');
  });

  it('refuses retry, partition and heartbeat options that are not counts', () => {
    expect(() => deskWith({ retry: { attempts: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => deskWith({ retry: { delay: -1 } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => deskWith({ partitions: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => deskWith({ partitions: 2.5 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    expect(() => deskWith({ worker: { heartbeatInterval: 0 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });

  it('dead-letters the entries of an inquiry whose stored state cannot be restored, and applies later ones once the state is fixed', async () => {
    const store = memoryStore();
    const { desk } = deskWith({ store, retry: { attempts: 3, delay: 20 } });
    const good = await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    const { version, state } = (await store.load('T-1'))!; // applied above
    // A row from a machine version this process has no migration for.
    const foreign = {
      ...(state as object),
      machine: { ...(state as { machine: object }).machine, version: 'v-from-the-future' },
    };
    await store.save({
      id: 'T-1',
      state: foreign,
      stage: 'inquiry',
      wakeAt: good.wakeAt,
      lastEventAt: at,
      effects: [],
      expectedVersion: version,
    });
    const stuck = await desk.send('T-1', { type: 'agent.reply', at: at + 1 });
    const letter = await letterOf(desk, `T-1#${stuck.sequence}`);
    expect(letter.reason.code).toBe('INCOMPATIBLE_STATE');
    expect(letter.reason.message).toContain('v-from-the-future');
    for (let i = 0; i < 100 && (await desk.logEntries('T-1')).size > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await desk.logEntries('T-1')).toEqual(new Map()); // nothing left waiting

    // The operator puts the state right (a migration, a restored backup): later entries apply.
    const fixed = (await store.load('T-1'))!;
    await store.save({
      id: 'T-1',
      state,
      stage: 'inquiry',
      wakeAt: good.wakeAt,
      lastEventAt: at,
      effects: [],
      expectedVersion: fixed.version,
    });
    const next = await desk.send('T-1', { type: 'agent.reply', agentId: 'ana', at: at + 2 });
    const inquiry = await desk.waitUntilApplied(next, { timeout: 10_000 });
    expect(inquiry.view.lastEventAt).toBe(at + 2);
    expect(inquiry.appliedSequence).toBe(next.sequence);
  });

  it('parks a deadline whose tick is dead-lettered: woken once, not again and again, and scheduled anew by the next event', async () => {
    const tickBug: Process = {
      ...hasty,
      send: (state, event) => {
        if (event.type === 'tick') throw new RangeError('Invalid time value');
        return hasty.send(state, event);
      },
    };
    const store = countingStore();
    const { desk } = deskWith({ process: tickBug, store, retry: { attempts: 2, delay: 20 } });
    const opened = await desk.waitUntilApplied(await desk.open(makeInput({ at: Date.now() })));
    expect(opened.wakeAt).not.toBeNull();
    const letter = await letterOf(desk, 'T-1#2');
    expect(letter).toMatchObject({ payload: { kind: 'tick', at: opened.wakeAt }, reason: { code: 'PROCESS_FAILED' } });
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the drain's save land
    const saves = store.saves;
    expect((await store.load('T-1'))?.wakeAt).toBeNull(); // parked: the sweep leaves it alone
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // five sweeps
    expect(store.saves).toBe(saves);
    expect(await desk.deadLetters()).toHaveLength(1);
    // The state still holds the deadline: the next event that applies schedules it again.
    const reply = await desk.send('T-1', { type: 'customer.reply', at: Date.now() });
    expect((await desk.waitUntilApplied(reply)).wakeAt).not.toBeNull();
  });

  it('wakes the deadline of a state that cannot be restored once: its tick is dead-lettered, and not appended again', async () => {
    const store = countingStore();
    const { desk } = deskWith({ process: hasty, store, retry: { attempts: 2, delay: 20 } });
    const opened = await desk.waitUntilApplied(await desk.open(makeInput({ at: Date.now() })));
    const { version, state } = (await store.load('T-1'))!; // applied above
    const foreign = {
      ...(state as object),
      machine: { ...(state as { machine: object }).machine, version: 'v-from-the-future' },
    };
    await store.save({
      id: 'T-1',
      state: foreign,
      stage: 'inquiry',
      wakeAt: opened.wakeAt,
      lastEventAt: opened.view.lastEventAt,
      effects: [],
      expectedVersion: version,
    });
    const letter = await letterOf(desk, 'T-1#2');
    expect(letter).toMatchObject({
      payload: { kind: 'tick', at: opened.wakeAt },
      reason: { code: 'INCOMPATIBLE_STATE' },
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the last attempt's trim
    const loads = store.loads;
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // five sweeps, each re-adding the wake-up
    expect(store.loads - loads).toBeLessThan(25); // a wake-up and a drain per sweep (about 6), not a loop (about 60)
    expect(await desk.deadLetters()).toHaveLength(1);
    expect(await desk.logEntries('T-1')).toEqual(new Map());
    expect(
      await desks.admin.get(runnerKeys('serviceflow', (desk.queue as { name: string }).name).sequence('T-1')),
    ).toBe('2');
  });

  it('re-drives a dead letter once its cause is fixed: appended again at the end of the log, applied, and off the list', async () => {
    let refusing = true;
    const store = refusingStore('POISON', untranslatable);
    const fixable: SnapshotStore = {
      ...store,
      save: async (write) =>
        refusing
          ? store.save(write)
          : store.save({
              ...write,
              state: JSON.parse(JSON.stringify(write.state).replaceAll('POISON', 'P0ISON')) as unknown,
              effects: JSON.parse(JSON.stringify(write.effects).replaceAll('POISON', 'P0ISON')) as unknown[],
            }),
    };
    const { desk } = deskWith({ store: fixable });
    await desk.waitUntilApplied(await desk.open(makeInput({ at })));
    const poison = await desk.send('T-1', { type: 'escalate', reason: 'POISON', at: at + 1 });
    await desk.waitUntilApplied(poison); // applied means: applied or dead-lettered
    await letterOf(desk, `T-1#${poison.sequence}`);

    refusing = false; // the store takes it now
    const redriven = await desk.redrive(`T-1#${poison.sequence}`);
    expect(redriven).toEqual({ id: 'T-1', sequence: poison.sequence + 1 });
    expect(await desk.redrive(`T-1#${poison.sequence}`)).toEqual(redriven); // a retried re-drive appends once
    const inquiry = await desk.waitUntilApplied(redriven);
    expect(inquiry.view.escalation.level).toBe(1);
    expect(await desk.deadLetters()).toEqual([]);
    expect((await desk.logEntries('T-1')).size).toBe(0);
  });

  it('fires a parked deadline when its tick is re-driven after the fix', async () => {
    let broken = true;
    const tickBug: Process = {
      ...hasty,
      send: (state, event) => {
        if (broken && event.type === 'tick') throw new RangeError('Invalid time value');
        return hasty.send(state, event);
      },
    };
    const store = countingStore();
    const { desk } = deskWith({ process: tickBug, store, retry: { attempts: 2, delay: 20 } });
    await desk.waitUntilApplied(await desk.open(makeInput({ at: Date.now() })));
    const letter = await letterOf(desk, 'T-1#2');
    broken = false;
    const redriven = await desk.redrive(letter.key);
    await desk.waitUntilApplied(redriven);
    const breached = (await store.journal('T-1')).filter((entry) => entry.type === 'sla.breached');
    expect(breached).toHaveLength(1);
    expect(breached[0]?.at).toBe((letter.payload as { at: number }).at); // stamped with its own due time
  });

  it('refuses to re-drive an unknown key or a malformed job', async () => {
    const { desk, queueName } = deskWith();
    await expect(desk.redrive('T-404#1')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const { Queue } = await import('bullmq');
    const queue = new Queue(queueName, { connection: desks.admin, prefix: 'serviceflow' });
    try {
      const garbage = await queue.add('drain', { kind: 'drain' });
      await letterOf(desk, `job:${garbage.id}`);
      await expect(desk.redrive(`job:${garbage.id}`)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('no log entry to re-drive'),
      });
    } finally {
      await queue.close();
    }
  });
});
