/**
 * The one contract every `SnapshotStore` passes: run it from a store's test file with
 * `describeSnapshotStoreContract('memoryStore', async () => ({ store: memoryStore(), cleanup: async () => {} }))`.
 *
 * `makeStore` is called before every test (and before every run of the property test) and must
 * return an empty store; `cleanup` runs after it.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConflictError,
  ServiceFlowError,
  type JournalEntry,
  type SnapshotStore,
  type SnapshotWrite,
  type StoredSnapshot,
} from 'serviceflow';

/** A store under test and how to dispose of it. */
export interface StoreUnderTest {
  readonly store: SnapshotStore;
  readonly cleanup: () => Promise<void>;
}

/** Tuning for slower stores. */
export interface ContractOptions {
  /** Runs of the model-based property test (default 50). */
  readonly propertyRuns?: number;
}

/** An effect as the tests write them. */
interface TestEffect {
  readonly type: string;
  readonly at: number;
  readonly [key: string]: unknown;
}

const MAX_MS = Number.MAX_SAFE_INTEGER; // 2^53 - 1: the largest epoch-ms value every store must keep exactly

/** A snapshot write of `id` (state `{ inquiryId, step: 0 }`, no effects), with `overrides`. */
export function write(id: string, overrides: Partial<SnapshotWrite> = {}): SnapshotWrite {
  return {
    id,
    state: { inquiryId: id, step: 0 },
    stage: 'inquiry',
    wakeAt: null,
    lastEventAt: 1_000,
    effects: [],
    ...overrides,
  };
}

/** An effect of `type` at `at`, with `extra` fields. */
export function effect(type: string, at: number, extra: Record<string, unknown> = {}): TestEffect {
  return { type, at, ...extra };
}

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function rejection(promise: Promise<unknown>): Promise<ServiceFlowError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ServiceFlowError)) throw new Error(`expected a ServiceFlowError, got ${String(error)}`);
  return error;
}

/** A state exercising what JSON can hold: nesting, unicode, escapes, extreme numbers. */
const RICH_STATE = {
  format: 1,
  customer: { id: 'c-1', name: 'Zoë Ørsted-Łukasiewicz', tier: null, tags: ['vip', 'emea'] },
  subject: 'Rückerstattung 退款 استرداد 😀👍🏽 e\u0301',
  escapes: 'quote " backslash \\ slash / newline \n tab \t literal \\u0000 text',
  numbers: { zero: 0, negative: -42, fraction: 0.1, tiny: 1e-7, huge: 1e300, maxSafe: MAX_MS, minSafe: -MAX_MS },
  flags: [true, false, null],
  empty: { object: {}, array: [], string: '' },
  deep: { a: { b: { c: { d: { e: [[1, [2, [3, { f: 'g' }]]]] } } } } },
};

/**
 * Registers the shared `SnapshotStore` contract suite under `describe(name)`.
 *
 * @example
 * ```ts
 * describeSnapshotStoreContract('memoryStore', async () => ({ store: memoryStore(), cleanup: async () => {} }));
 * ```
 */
export function describeSnapshotStoreContract(
  name: string,
  makeStore: () => Promise<StoreUnderTest>,
  options: ContractOptions = {},
): void {
  describe(`${name} — SnapshotStore contract`, () => {
    let store: SnapshotStore;
    let cleanup: () => Promise<void> = async () => {};

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await cleanup();
    });

    describe('create and load', () => {
      it('returns undefined for an id it has never seen', async () => {
        expect(await store.load('nobody')).toBeUndefined();
      });

      it('creates a snapshot at version 1 and loads it back deep-equal', async () => {
        const created = await store.create(
          write('inq-1', { state: RICH_STATE, stage: 'identification', wakeAt: MAX_MS, lastEventAt: MAX_MS - 1 }),
        );
        const expected: StoredSnapshot = {
          id: 'inq-1',
          version: 1,
          state: RICH_STATE,
          stage: 'identification',
          wakeAt: MAX_MS,
          lastEventAt: MAX_MS - 1,
        };
        expect(created).toEqual(expected);
        expect(await store.load('inq-1')).toEqual(expected);
      });

      it('keeps any JSON value as the state, including a bare array, string, number or null', async () => {
        const states = [[1, 'two', { three: 3 }], 'just text ✓', 12.5, null, true, {}];
        for (const [index, state] of states.entries()) {
          await store.create(write(`s-${index}`, { state }));
          expect((await store.load(`s-${index}`))?.state).toEqual(state);
        }
      });

      it('stores the state as JSON: a Date comes back as its ISO string, undefined properties vanish', async () => {
        await store.create(
          write('inq-1', { state: { at: new Date(Date.UTC(2026, 2, 2, 9)), gone: undefined, kept: 1 } }),
        );
        expect((await store.load('inq-1'))?.state).toEqual({ at: '2026-03-02T09:00:00.000Z', kept: 1 });
      });

      it('accepts ids with unicode, quotes, colons and spaces', async () => {
        const id = `inq:ü'"\\ 😀 ～`;
        await store.create(write(id, { effects: [effect('stage.changed', 5)] }));
        expect((await store.load(id))?.id).toBe(id);
        expect((await store.journal(id)).map((entry) => entry.id)).toEqual([`${id}:1:0`]);
      });

      it('refuses a duplicate id with CONFLICT and writes nothing', async () => {
        await store.create(write('inq-1', { effects: [effect('stage.changed', 1_000)] }));
        const error = await rejection(
          store.create(
            write('inq-1', { state: { other: true }, stage: 'closed', effects: [effect('inquiry.closed', 2_000)] }),
          ),
        );
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.code).toBe('CONFLICT');
        expect(error.message).toMatch(/already exists/);
        expect(await store.load('inq-1')).toMatchObject({
          version: 1,
          stage: 'inquiry',
          state: { inquiryId: 'inq-1' },
        });
        expect((await store.journal('inq-1')).map((entry) => entry.type)).toEqual(['stage.changed']);
        expect((await store.undispatched()).map((entry) => entry.type)).toEqual(['stage.changed']);
      });

      it('lets exactly one of several concurrent creates of the same id win', async () => {
        const results = await Promise.allSettled(
          [0, 1, 2, 3].map((writer) =>
            store.create(write('inq-1', { state: { writer }, effects: [effect('created', writer)] })),
          ),
        );
        const winners = results.filter((result) => result.status === 'fulfilled');
        expect(winners).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect((result.reason as ServiceFlowError).code).toBe('CONFLICT');
        }
        const stored = await store.load('inq-1');
        const journal = await store.journal('inq-1');
        expect(journal).toHaveLength(1);
        expect(journal[0]?.effect).toEqual({ type: 'created', at: (stored?.state as { writer: number }).writer });
      });
    });

    describe('save', () => {
      it('increments the version by one on every save and replaces state, stage, wakeAt and lastEventAt', async () => {
        await store.create(write('inq-1', { wakeAt: 5_000 }));
        const second = await store.save({
          ...write('inq-1', { state: { step: 1 }, stage: 'resolution', wakeAt: null, lastEventAt: 2_000 }),
          expectedVersion: 1,
        });
        expect(second).toEqual({
          id: 'inq-1',
          version: 2,
          state: { step: 1 },
          stage: 'resolution',
          wakeAt: null,
          lastEventAt: 2_000,
        });
        const third = await store.save({
          ...write('inq-1', { state: { step: 2 }, stage: 'followUp', wakeAt: MAX_MS, lastEventAt: 3_000 }),
          expectedVersion: 2,
        });
        expect(third.version).toBe(3);
        expect(await store.load('inq-1')).toEqual({
          id: 'inq-1',
          version: 3,
          state: { step: 2 },
          stage: 'followUp',
          wakeAt: MAX_MS,
          lastEventAt: 3_000,
        });
      });

      it('refuses a stale expectedVersion with CONFLICT and leaves state and journal unchanged', async () => {
        await store.create(write('inq-1', { effects: [effect('stage.changed', 1_000)] }));
        await store.save({
          ...write('inq-1', { state: { step: 1 }, effects: [effect('sla.started', 1_500)] }),
          expectedVersion: 1,
        });
        const before = {
          snapshot: await store.load('inq-1'),
          journal: await store.journal('inq-1'),
          outbox: await store.undispatched(),
        };

        const error = await rejection(
          store.save({
            ...write('inq-1', {
              state: { step: 'stale' },
              stage: 'closed',
              wakeAt: 9,
              effects: [effect('inquiry.closed', 9)],
            }),
            expectedVersion: 1,
          }),
        );
        expect(error).toBeInstanceOf(ConflictError);
        expect(error.code).toBe('CONFLICT');
        expect(error.message).toMatch(/expected version 1 but the store holds version 2/);
        expect({
          snapshot: await store.load('inq-1'),
          journal: await store.journal('inq-1'),
          outbox: await store.undispatched(),
        }).toEqual(before);
      });

      it('refuses an expectedVersion ahead of the stored one', async () => {
        await store.create(write('inq-1'));
        const error = await rejection(store.save({ ...write('inq-1'), expectedVersion: 2 }));
        expect(error.code).toBe('CONFLICT');
        expect((await store.load('inq-1'))?.version).toBe(1);
      });

      it('refuses to save an id that was never created, saying so', async () => {
        const error = await rejection(
          store.save({ ...write('ghost', { effects: [effect('x', 1)] }), expectedVersion: 1 }),
        );
        expect(error.code).toBe('CONFLICT');
        expect(error.message).toMatch(/no snapshot with this id exists/);
        expect(await store.load('ghost')).toBeUndefined();
        expect(await store.journal('ghost')).toEqual([]);
        expect(await store.undispatched()).toEqual([]);
      });

      it('lets exactly one of two writers saving the same expected version win', async () => {
        await store.create(write('inq-1'));
        const writers = ['alice', 'bob'].map((writer) =>
          store.save({
            ...write('inq-1', { state: { writer }, effects: [effect(`${writer}.saved`, 2_000)] }),
            expectedVersion: 1,
          }),
        );
        const results = await Promise.allSettled(writers);
        const fulfilled = results.filter((result) => result.status === 'fulfilled');
        const rejected = results.filter((result) => result.status === 'rejected');
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(1);
        expect((rejected[0]?.reason as ServiceFlowError).code).toBe('CONFLICT');
        const stored = await store.load('inq-1');
        expect(stored?.version).toBe(2);
        expect(stored?.state).toEqual(fulfilled[0]?.value.state);
        const winner = (stored?.state as { writer: string }).writer;
        expect((await store.journal('inq-1')).map((entry) => entry.type)).toEqual([`${winner}.saved`]);
      });

      it('keeps exactly one winner per round when many writers race round after round', async () => {
        await store.create(write('inq-1', { state: { rounds: [] } }));
        for (let round = 1; round <= 5; round++) {
          const results = await Promise.allSettled(
            [0, 1, 2, 3, 4, 5].map((writer) =>
              store.save({
                ...write('inq-1', { state: { round, writer }, effects: [effect('won', round)] }),
                expectedVersion: round,
              }),
            ),
          );
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        }
        expect((await store.load('inq-1'))?.version).toBe(6);
        expect((await store.journal('inq-1')).map((entry) => entry.at)).toEqual([1, 2, 3, 4, 5]);
      });
    });

    describe('input checks', () => {
      const malformed: [string, SnapshotWrite][] = [
        ['an empty id', write('')],
        ['a wakeAt that is not a whole number', write('inq-1', { wakeAt: 1.5 })],
        ['a NaN lastEventAt', write('inq-1', { lastEventAt: Number.NaN })],
        ['a lastEventAt beyond 2^53', write('inq-1', { lastEventAt: 2 ** 53 })],
        ['a bigint in the state', write('inq-1', { state: { amount: 10n } })],
        ['a state that is not JSON at all', write('inq-1', { state: undefined })],
        ['a NUL character in the state', write('inq-1', { state: { text: 'a\u0000b' } })],
        ['an unpaired surrogate in the state', write('inq-1', { state: { text: 'a\ud800b' } })],
        ['an unpaired surrogate in the id', write('inq-\udc00')],
        ['a NUL character in the stage', write('inq-1', { stage: 'x\u0000' })],
        ['an effect without a type', write('inq-1', { effects: [{ at: 1 }] })],
        ['an effect with a fractional at', write('inq-1', { effects: [effect('x', 1), effect('y', 1.25)] })],
        ['an effect that is not an object', write('inq-1', { effects: ['stage.changed'] })],
      ];

      it.each(malformed)('refuses %s with INVALID_INPUT and writes nothing', async (_, bad) => {
        expect((await rejection(store.create(bad))).code).toBe('INVALID_INPUT');
        expect(await store.list()).toEqual([]);
        expect(await store.undispatched()).toEqual([]);
      });

      it('refuses a cyclic state with INVALID_INPUT', async () => {
        const state: Record<string, unknown> = { a: 1 };
        state['self'] = state;
        expect((await rejection(store.create(write('inq-1', { state })))).code).toBe('INVALID_INPUT');
      });

      it('refuses a malformed save with INVALID_INPUT and leaves the snapshot as it was', async () => {
        await store.create(write('inq-1'));
        const before = await store.load('inq-1');
        for (const bad of malformed.map(([, value]) => value).filter((value) => value.id === 'inq-1')) {
          expect((await rejection(store.save({ ...bad, expectedVersion: 1 }))).code).toBe('INVALID_INPUT');
        }
        expect((await rejection(store.save({ ...write('inq-1'), expectedVersion: 0 }))).code).toBe('INVALID_INPUT');
        expect(await store.load('inq-1')).toEqual(before);
        expect(await store.journal('inq-1')).toEqual([]);
      });

      it('refuses a negative or fractional limit with INVALID_INPUT', async () => {
        expect((await rejection(store.due({ until: 0, limit: -1 }))).code).toBe('INVALID_INPUT');
        expect((await rejection(store.list({ limit: 1.5 }))).code).toBe('INVALID_INPUT');
        expect((await rejection(store.undispatched({ limit: Number.NaN }))).code).toBe('INVALID_INPUT');
      });
    });

    describe('due', () => {
      async function seed(wakeAts: Record<string, number | null>): Promise<void> {
        for (const [id, wakeAt] of Object.entries(wakeAts)) await store.create(write(id, { wakeAt }));
      }

      it('returns snapshots whose wakeAt is at or before until, earliest first, ties by id', async () => {
        await seed({
          late: 3_000,
          early: 1_000,
          'tie-b': 2_000,
          'tie-a': 2_000,
          never: null,
          edge: 2_500,
          far: MAX_MS,
        });
        expect(await store.due({ until: 2_500 })).toEqual([
          { id: 'early', wakeAt: 1_000 },
          { id: 'tie-a', wakeAt: 2_000 },
          { id: 'tie-b', wakeAt: 2_000 },
          { id: 'edge', wakeAt: 2_500 },
        ]);
        expect(await store.due({ until: 999 })).toEqual([]);
        expect((await store.due({ until: MAX_MS })).map((due) => due.id)).toEqual([
          'early',
          'tie-a',
          'tie-b',
          'edge',
          'late',
          'far',
        ]);
      });

      it('honours limit, and a limit of 0 returns nothing', async () => {
        await seed({ a: 3, b: 1, c: 2 });
        expect(await store.due({ until: 10, limit: 2 })).toEqual([
          { id: 'b', wakeAt: 1 },
          { id: 'c', wakeAt: 2 },
        ]);
        expect(await store.due({ until: 10, limit: 0 })).toEqual([]);
      });

      it('follows saves: a later or null wakeAt takes a snapshot off the due list', async () => {
        await seed({ a: 100, b: 100 });
        await store.save({ ...write('a', { wakeAt: 5_000 }), expectedVersion: 1 });
        await store.save({ ...write('b', { wakeAt: null }), expectedVersion: 1 });
        expect(await store.due({ until: 1_000 })).toEqual([]);
        expect(await store.due({ until: 5_000 })).toEqual([{ id: 'a', wakeAt: 5_000 }]);
      });
      it('keeps instants before 1970 as negative epoch ms, down to 0001-01-01, and orders them before later ones', async () => {
        const first = Date.parse('0001-01-01T00:00:00Z'); // -62135596800000, the earliest instant serviceflow accepts
        const moon = Date.parse('1969-07-20T20:17:00Z');
        const old = write('old', {
          wakeAt: first,
          lastEventAt: first,
          effects: [effect('landed', moon), effect('began', first)],
        });
        await store.create(old);
        await seed({ mid: moon, recent: 1_000 });
        expect(await store.load('old')).toMatchObject({ wakeAt: first, lastEventAt: first });
        expect(await store.due({ until: -1 })).toEqual([
          { id: 'old', wakeAt: first },
          { id: 'mid', wakeAt: moon },
        ]);
        expect(await store.due({ until: first })).toEqual([{ id: 'old', wakeAt: first }]);
        expect((await store.undispatched()).map((entry) => [entry.type, entry.at])).toEqual([
          ['began', first],
          ['landed', moon],
        ]);
        await store.markDispatched(['old:1:0'], moon);
        expect((await store.journal('old')).map((entry) => [entry.id, entry.at, entry.dispatchedAt])).toEqual([
          ['old:1:0', moon, moon],
          ['old:1:1', first, null],
        ]);
        await store.save({ ...write('old', { wakeAt: moon - 1, lastEventAt: moon - 1 }), expectedVersion: 1 });
        expect(await store.load('old')).toMatchObject({ version: 2, wakeAt: moon - 1, lastEventAt: moon - 1 });
      });
    });

    describe('parking', () => {
      const reason = { code: 'INCOMPATIBLE_STATE', message: 'Stored state of machine version 9: no migration' };
      // Parking is optional in the contract (stores written before it keep working); every store
      // that has it must pass all of this.
      const parking = () => {
        const { park, unpark, parked } = store;
        if (park === undefined || unpark === undefined || parked === undefined)
          throw new Error(`${name} has no park/unpark/parked`);
        return { park: park.bind(store), unpark: unpark.bind(store), parked: parked.bind(store) };
      };

      it('parks a snapshot: due() no longer offers it, parked() lists it with its reason, the version goes up', async () => {
        await store.create(write('stuck', { wakeAt: 1_000, stage: 'resolution' }));
        await store.create(write('fine', { wakeAt: 2_000 }));
        const parkedSnapshot = await parking().park({ id: 'stuck', expectedVersion: 1, at: 5_000, reason });
        expect(parkedSnapshot).toEqual({
          id: 'stuck',
          version: 2,
          stage: 'resolution',
          wakeAt: 1_000,
          parkedAt: 5_000,
          reason,
        });
        expect(await store.due({ until: 10_000 })).toEqual([{ id: 'fine', wakeAt: 2_000 }]);
        expect(await parking().parked()).toEqual([parkedSnapshot]);
        expect(await store.load('stuck')).toMatchObject({ version: 2, wakeAt: 1_000, state: write('stuck').state });
      });

      it('journals the park and the unpark as entries already dispatched, never in the outbox', async () => {
        await store.create(write('stuck', { wakeAt: 1_000 }));
        await parking().park({ id: 'stuck', expectedVersion: 1, at: 5_000, reason });
        expect(await parking().unpark('stuck', 6_000)).toBe(true);
        expect(await store.journal('stuck')).toEqual([
          {
            id: 'stuck:2:0',
            snapshotId: 'stuck',
            version: 2,
            index: 0,
            type: 'inquiry.parked',
            at: 5_000,
            dispatchedAt: 5_000,
            effect: { type: 'inquiry.parked', inquiryId: 'stuck', at: 5_000, reason },
          },
          {
            id: 'stuck:3:0',
            snapshotId: 'stuck',
            version: 3,
            index: 0,
            type: 'inquiry.unparked',
            at: 6_000,
            dispatchedAt: 6_000,
            effect: { type: 'inquiry.unparked', inquiryId: 'stuck', at: 6_000 },
          },
        ]);
        expect(await store.undispatched()).toEqual([]);
      });

      it('unparks: due() offers the snapshot again; unparking what is not parked writes nothing', async () => {
        await store.create(write('stuck', { wakeAt: 1_000 }));
        expect(await parking().unpark('stuck', 2_000)).toBe(false);
        expect(await parking().unpark('never-created', 2_000)).toBe(false);
        await parking().park({ id: 'stuck', expectedVersion: 1, at: 5_000, reason });
        expect(await parking().unpark('stuck', 6_000)).toBe(true);
        expect(await parking().unpark('stuck', 7_000)).toBe(false);
        expect(await store.due({ until: 10_000 })).toEqual([{ id: 'stuck', wakeAt: 1_000 }]);
        expect(await parking().parked()).toEqual([]);
        expect((await store.load('stuck'))?.version).toBe(3);
      });

      it('refuses to park a snapshot saved since (stale expectedVersion) or never created, with CONFLICT', async () => {
        await store.create(write('moved', { wakeAt: 1_000 }));
        await store.save({ ...write('moved', { wakeAt: 1_000 }), expectedVersion: 1 });
        expect((await rejection(parking().park({ id: 'moved', expectedVersion: 1, at: 5_000, reason }))).code).toBe(
          'CONFLICT',
        );
        expect((await rejection(parking().park({ id: 'ghost', expectedVersion: 1, at: 5_000, reason }))).code).toBe(
          'CONFLICT',
        );
        expect(await parking().parked()).toEqual([]);
        expect(await store.journal('moved')).toEqual([]);
      });

      it('refuses a malformed park request with INVALID_INPUT', async () => {
        await store.create(write('stuck', { wakeAt: 1_000 }));
        for (const request of [
          { id: 'stuck', expectedVersion: 0, at: 5_000, reason },
          { id: 'stuck', expectedVersion: 1, at: 1.5, reason },
          { id: 'stuck', expectedVersion: 1, at: 5_000, reason: { code: '', message: 'x' } },
          { id: 'stuck', expectedVersion: 1, at: 5_000, reason: { code: 'X', message: 'nul \0 inside' } },
        ]) {
          expect((await rejection(parking().park(request))).code).toBe('INVALID_INPUT');
        }
        expect((await store.load('stuck'))?.version).toBe(1);
      });

      it('clears the mark on the next successful save: the new state is woken as usual', async () => {
        await store.create(write('stuck', { wakeAt: 1_000 }));
        await parking().park({ id: 'stuck', expectedVersion: 1, at: 5_000, reason });
        await store.save({ ...write('stuck', { wakeAt: 7_000 }), expectedVersion: 2 });
        expect(await parking().parked()).toEqual([]);
        expect(await store.due({ until: 10_000 })).toEqual([{ id: 'stuck', wakeAt: 7_000 }]);
      });

      it('lists parked snapshots in id order, paged with after and limit', async () => {
        for (const id of ['c', 'a', 'b', 'd']) {
          await store.create(write(id, { wakeAt: 1 }));
          if (id !== 'd') await parking().park({ id, expectedVersion: 1, at: 10, reason });
        }
        expect((await parking().parked()).map((p) => p.id)).toEqual(['a', 'b', 'c']);
        expect((await parking().parked({ after: 'a', limit: 1 })).map((p) => p.id)).toEqual(['b']);
        expect(await parking().parked({ limit: 0 })).toEqual([]);
      });
    });

    describe('journal', () => {
      it('journals the effects of every create and save, oldest first, with stable ids', async () => {
        const first = [
          effect('stage.changed', 1_000, { to: 'inquiry' }),
          effect('sla.started', 1_000, { metric: 'firstResponse' }),
        ];
        const second = [effect('sla.met', 2_000, { detail: { nested: ['ok', 1] } })];
        await store.create(write('inq-1', { effects: first }));
        await store.save({ ...write('inq-1'), expectedVersion: 1 }); // a step without effects
        await store.save({ ...write('inq-1', { effects: second }), expectedVersion: 2 });

        const expected: JournalEntry[] = [
          {
            id: 'inq-1:1:0',
            snapshotId: 'inq-1',
            version: 1,
            index: 0,
            type: 'stage.changed',
            at: 1_000,
            effect: first[0],
            dispatchedAt: null,
          },
          {
            id: 'inq-1:1:1',
            snapshotId: 'inq-1',
            version: 1,
            index: 1,
            type: 'sla.started',
            at: 1_000,
            effect: first[1],
            dispatchedAt: null,
          },
          {
            id: 'inq-1:3:0',
            snapshotId: 'inq-1',
            version: 3,
            index: 0,
            type: 'sla.met',
            at: 2_000,
            effect: second[0],
            dispatchedAt: null,
          },
        ];
        expect(await store.journal('inq-1')).toEqual(expected);
      });

      it('keeps entries in the order of the save even when their at goes backwards, and keeps 2^53-1', async () => {
        await store.create(write('inq-1', { effects: [effect('b', MAX_MS), effect('a', 0), effect('c', 5)] }));
        const journal = await store.journal('inq-1');
        expect(journal.map((entry) => [entry.index, entry.type, entry.at])).toEqual([
          [0, 'b', MAX_MS],
          [1, 'a', 0],
          [2, 'c', 5],
        ]);
      });

      it('skips steps up to and including afterVersion', async () => {
        await store.create(write('inq-1', { effects: [effect('v1', 1)] }));
        await store.save({ ...write('inq-1', { effects: [effect('v2', 2)] }), expectedVersion: 1 });
        await store.save({ ...write('inq-1', { effects: [effect('v3', 3), effect('v3b', 3)] }), expectedVersion: 2 });
        expect((await store.journal('inq-1', { afterVersion: 1 })).map((entry) => entry.id)).toEqual([
          'inq-1:2:0',
          'inq-1:3:0',
          'inq-1:3:1',
        ]);
        expect((await store.journal('inq-1', { afterVersion: 2 })).map((entry) => entry.type)).toEqual(['v3', 'v3b']);
        expect(await store.journal('inq-1', { afterVersion: 3 })).toEqual([]);
        expect(await store.journal('inq-1', { afterVersion: 0 })).toHaveLength(4);
      });

      it('keeps the journals of different snapshots apart, and an unknown id has an empty journal', async () => {
        await store.create(write('inq-1', { effects: [effect('one', 1)] }));
        await store.create(write('inq-10', { effects: [effect('ten', 1)] }));
        expect((await store.journal('inq-1')).map((entry) => entry.type)).toEqual(['one']);
        expect((await store.journal('inq-10')).map((entry) => entry.type)).toEqual(['ten']);
        expect(await store.journal('nobody')).toEqual([]);
      });
    });

    describe('outbox', () => {
      async function seedOutbox(): Promise<void> {
        await store.create(write('b', { effects: [effect('b1', 20), effect('b2', 10)] }));
        await store.create(write('a', { effects: [effect('a1', 10)] }));
        await store.save({ ...write('a', { effects: [effect('a2', 10), effect('a3', 5)] }), expectedVersion: 1 });
      }

      it('lists undispatched entries ordered by at, then snapshot id, version and index', async () => {
        await seedOutbox();
        expect((await store.undispatched()).map((entry) => entry.id)).toEqual([
          'a:2:1',
          'a:1:0',
          'a:2:0',
          'b:1:1',
          'b:1:0',
        ]);
        expect((await store.undispatched({ limit: 2 })).map((entry) => entry.type)).toEqual(['a3', 'a1']);
        expect(await store.undispatched({ limit: 0 })).toEqual([]);
      });

      it('marks entries dispatched: they leave the outbox and the journal shows when', async () => {
        await seedOutbox();
        await store.markDispatched(['a:1:0', 'b:1:1'], 50_000);
        expect((await store.undispatched()).map((entry) => entry.id)).toEqual(['a:2:1', 'a:2:0', 'b:1:0']);
        expect((await store.journal('a')).map((entry) => [entry.id, entry.dispatchedAt])).toEqual([
          ['a:1:0', 50_000],
          ['a:2:0', null],
          ['a:2:1', null],
        ]);
      });

      it('is idempotent: marking again keeps the first dispatch time', async () => {
        await seedOutbox();
        await store.markDispatched(['b:1:0'], 1_000);
        await store.markDispatched(['b:1:0', 'b:1:0'], 2_000);
        expect((await store.journal('b')).find((entry) => entry.id === 'b:1:0')?.dispatchedAt).toBe(1_000);
      });

      it('ignores unknown ids and an empty list', async () => {
        await seedOutbox();
        await store.markDispatched([], 1);
        await store.markDispatched(['nope:1:0', 'a:9:9', `it's "odd" \\ {}`], 1);
        expect(await store.undispatched()).toHaveLength(5);
      });

      it('keeps dispatch times up to 2^53-1', async () => {
        await seedOutbox();
        await store.markDispatched(['b:1:0'], MAX_MS);
        expect((await store.journal('b'))[0]?.dispatchedAt).toBe(MAX_MS);
      });
    });

    describe('list', () => {
      const ids = ['😀', 'b', 'A', '～', 'a', 'é', 'B', 'a1', 'a0'];
      const inCodePointOrder = ['A', 'B', 'a', 'a0', 'a1', 'b', 'é', '～', '😀'];

      it('lists every id in code-point order', async () => {
        for (const id of ids) await store.create(write(id));
        expect(await store.list()).toEqual(inCodePointOrder);
      });

      it('filters by stage and follows stage changes made by save', async () => {
        await store.create(write('x', { stage: 'inquiry' }));
        await store.create(write('y', { stage: 'resolution' }));
        await store.create(write('z', { stage: 'inquiry' }));
        expect(await store.list({ stage: 'inquiry' })).toEqual(['x', 'z']);
        await store.save({ ...write('x', { stage: 'resolution' }), expectedVersion: 1 });
        expect(await store.list({ stage: 'inquiry' })).toEqual(['z']);
        expect(await store.list({ stage: 'resolution' })).toEqual(['x', 'y']);
        expect(await store.list({ stage: 'closed' })).toEqual([]);
      });

      it('pages with after (exclusive) and limit, visiting every id exactly once', async () => {
        for (const id of ids) await store.create(write(id, { stage: id < 'b' ? 'early' : 'late' }));
        const seen: string[] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.list(after === undefined ? { limit: 2 } : { limit: 2, after });
          expect(page.length).toBeLessThanOrEqual(2);
          if (page.length === 0) break;
          seen.push(...page);
          after = page[page.length - 1];
        }
        expect(seen).toEqual(inCodePointOrder);
        expect(await store.list({ after: 'a0' })).toEqual(['a1', 'b', 'é', '～', '😀']);
        expect(await store.list({ after: '😀' })).toEqual([]);
        expect(await store.list({ after: 'a', limit: 1, stage: 'early' })).toEqual(['a0']);
        expect(await store.list({ limit: 0 })).toEqual([]);
      });
    });

    describe('isolation', () => {
      it('returns the state it stored from create and save, read as a property, spread or JSON', async () => {
        const created = await store.create(write('inq-r', { state: { a: [1, { b: 'x' }] } }));
        const saved = await store.save({ ...write('inq-r', { state: { c: { d: 2 } } }), expectedVersion: 1 });
        expect(created.state).toEqual({ a: [1, { b: 'x' }] });
        expect({ ...saved }).toMatchObject({ id: 'inq-r', version: 2, state: { c: { d: 2 } } });
        expect(JSON.parse(JSON.stringify(saved)) as unknown).toMatchObject({ state: { c: { d: 2 } } });
        expect(saved.state).toBe(saved.state); // one copy, however often it is read
        expect((await store.load('inq-r'))?.state).toEqual(saved.state);
      });

      it('cannot be changed through the objects it returned or was given', async () => {
        const given = write('inq-1', {
          state: { list: [1], nested: { v: 'original' } },
          effects: [effect('e', 1, { payload: { v: 1 } })],
        });
        const created = await store.create(given);
        (created.state as { nested: { v: string } }).nested.v = 'changed by created';
        (given.state as { list: number[] }).list.push(2);
        (given.effects[0] as { payload: { v: number } }).payload.v = 99;
        (given.effects as TestEffect[]).push(effect('sneaked', 2));

        const loaded = await store.load('inq-1');
        expect(loaded?.state).toEqual({ list: [1], nested: { v: 'original' } });
        (loaded?.state as { list: number[] }).list.push(3);

        const journal = await store.journal('inq-1');
        (journal[0]?.effect as { payload: { v: number } }).payload.v = 42;
        journal.pop();
        const outbox = await store.undispatched();
        (outbox[0]?.effect as { type: string }).type = 'mutated';

        const saved = await store.save({ ...write('inq-1', { state: { fresh: { v: 1 } } }), expectedVersion: 1 });
        (saved.state as { fresh: { v: number } }).fresh.v = 2;

        expect(await store.load('inq-1')).toMatchObject({ version: 2, state: { fresh: { v: 1 } } });
        expect(await store.journal('inq-1')).toEqual([
          {
            id: 'inq-1:1:0',
            snapshotId: 'inq-1',
            version: 1,
            index: 0,
            type: 'e',
            at: 1,
            effect: { type: 'e', at: 1, payload: { v: 1 } },
            dispatchedAt: null,
          },
        ]);
        const listed = await store.list();
        listed.push('phantom');
        const due = await store.due({ until: MAX_MS });
        due.push({ id: 'phantom', wakeAt: 0 });
        expect(await store.list()).toEqual(['inq-1']);
        expect(await store.due({ until: MAX_MS })).toEqual([]);
      });
    });

    describe('model', () => {
      it('matches a simple in-memory model after any sequence of creates, saves, stale saves and dispatches', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 25 }), async (operations) => {
            const { store: subject, cleanup: dispose } = await makeStore();
            try {
              await checkAgainstModel(subject, operations);
            } finally {
              await dispose();
            }
          }),
          { numRuns: options.propertyRuns ?? 50 },
        );
      }, 180_000);
    });
  });
}

// ----- the model-based property -----

const IDS = ['a', 'b', 'B', 'ü', '😀'] as const;
const STAGES = ['inquiry', 'resolution', 'closed'] as const;

const storableString = fc
  .string({ unit: 'grapheme', maxLength: 1, minLength: 1 })
  .filter((text) => !text.includes('\u0000'));
const jsonState = fc.jsonValue({ maxDepth: 3, stringUnit: storableString });
const step = fc.record({
  id: fc.constantFrom(...IDS),
  state: jsonState,
  stage: fc.constantFrom(...STAGES),
  wakeAt: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
  lastEventAt: fc.integer({ min: 0, max: MAX_MS }),
  effects: fc.array(
    fc.record({
      type: fc.constantFrom('stage.changed', 'sla.met'),
      at: fc.integer({ min: 0, max: 50 }),
      data: jsonState,
    }),
    { maxLength: 3 },
  ),
});

type Operation =
  | { readonly kind: 'create'; readonly write: SnapshotWrite }
  | { readonly kind: 'save'; readonly write: SnapshotWrite; readonly versionOffset: number }
  | { readonly kind: 'dispatch'; readonly pick: readonly number[]; readonly at: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), write: step }),
  fc.record({ kind: fc.constant('save' as const), write: step, versionOffset: fc.constantFrom(0, 0, 0, -1, 1, -5) }),
  fc.record({
    kind: fc.constant('dispatch' as const),
    pick: fc.array(fc.nat(40), { maxLength: 4 }),
    at: fc.integer({ min: 0, max: MAX_MS }),
  }),
);

interface ModelSnapshot {
  version: number;
  snapshot: StoredSnapshot;
}

async function checkAgainstModel(subject: SnapshotStore, operations: readonly Operation[]): Promise<void> {
  const snapshots = new Map<string, ModelSnapshot>();
  const journal: JournalEntry[] = [];

  const append = (source: SnapshotWrite, version: number): void => {
    source.effects.forEach((item, index) => {
      const stored = json(item) as TestEffect;
      journal.push({
        id: `${source.id}:${version}:${index}`,
        snapshotId: source.id,
        version,
        index,
        type: stored.type,
        at: stored.at,
        effect: stored,
        dispatchedAt: null,
      });
    });
  };
  const record = (source: SnapshotWrite, version: number): StoredSnapshot => {
    const snapshot = {
      id: source.id,
      version,
      state: json(source.state),
      stage: source.stage,
      wakeAt: source.wakeAt,
      lastEventAt: source.lastEventAt,
    };
    snapshots.set(source.id, { version, snapshot });
    append(source, version);
    return snapshot;
  };

  for (const operation of operations) {
    if (operation.kind === 'create') {
      const exists = snapshots.has(operation.write.id);
      const outcome = await subject.create(operation.write).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (exists) {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect((outcome.error as ServiceFlowError).code).toBe('CONFLICT');
      } else {
        expect(outcome).toEqual({ ok: true, value: record(operation.write, 1) });
      }
    } else if (operation.kind === 'save') {
      const current = snapshots.get(operation.write.id);
      const expectedVersion = Math.max(1, (current?.version ?? 1) + operation.versionOffset);
      const outcome = await subject.save({ ...operation.write, expectedVersion }).then(
        (value) => ({ ok: true as const, value }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (current !== undefined && current.version === expectedVersion) {
        expect(outcome).toEqual({ ok: true, value: record(operation.write, current.version + 1) });
      } else {
        expect(outcome.ok).toBe(false);
        if (!outcome.ok) expect((outcome.error as ServiceFlowError).code).toBe('CONFLICT');
      }
    } else {
      const ids = operation.pick.map((index) => journal[index]?.id ?? `missing:${index}`);
      await subject.markDispatched(ids, operation.at);
      for (const [position, entry] of journal.entries()) {
        if (entry.dispatchedAt === null && ids.includes(entry.id))
          journal[position] = { ...entry, dispatchedAt: operation.at };
      }
    }
  }

  for (const id of IDS) {
    expect(await subject.load(id)).toEqual(snapshots.get(id)?.snapshot);
    expect(await subject.journal(id)).toEqual(
      journal.filter((entry) => entry.snapshotId === id).sort((a, b) => a.version - b.version || a.index - b.index),
    );
  }
  const codePoints = (text: string): number[] => [...text].map((char) => char.codePointAt(0) ?? 0);
  const byCodePoint = (a: string, b: string): number => {
    const [x, y] = [codePoints(a), codePoints(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return x.length - y.length;
  };
  const models = [...snapshots.values()].map((model) => model.snapshot);
  expect(await subject.list()).toEqual(models.map((snapshot) => snapshot.id).sort(byCodePoint));
  expect(await subject.list({ stage: 'resolution' })).toEqual(
    models
      .filter((snapshot) => snapshot.stage === 'resolution')
      .map((snapshot) => snapshot.id)
      .sort(byCodePoint),
  );
  expect(await subject.due({ until: 25 })).toEqual(
    models
      .filter((snapshot) => snapshot.wakeAt !== null && snapshot.wakeAt <= 25)
      .map((snapshot) => ({ id: snapshot.id, wakeAt: snapshot.wakeAt ?? 0 }))
      .sort((a, b) => a.wakeAt - b.wakeAt || byCodePoint(a.id, b.id)),
  );
  expect(await subject.undispatched()).toEqual(
    journal
      .filter((entry) => entry.dispatchedAt === null)
      .sort(
        (a, b) => a.at - b.at || byCodePoint(a.snapshotId, b.snapshotId) || a.version - b.version || a.index - b.index,
      ),
  );
}
