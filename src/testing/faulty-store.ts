/**
 * The fault-injection kit: a {@link SnapshotStore} wrapper that fails some of its calls the way a
 * database connection does (a reset before the statement ran, or a lost acknowledgement after it
 * committed), deterministically by seed. Run your desk on it to see that nothing is lost or applied
 * twice when the store misbehaves.
 */
import type { SnapshotStore } from '../stores/store.js';
import { seededRandom } from './random.js';

/**
 * The methods of a {@link SnapshotStore} that {@link faultyStore} can fail.
 *
 * @example
 * ```ts
 * import type { StoreMethod } from 'serviceflow/testing';
 * const writes: StoreMethod[] = ['create', 'save', 'markDispatched', 'park', 'unpark'];
 * ```
 */
export type StoreMethod =
  | 'load'
  | 'create'
  | 'save'
  | 'due'
  | 'journal'
  | 'undispatched'
  | 'markDispatched'
  | 'list'
  | 'park'
  | 'unpark'
  | 'parked';

const ALL_METHODS: readonly StoreMethod[] = [
  'load',
  'create',
  'save',
  'due',
  'journal',
  'undispatched',
  'markDispatched',
  'list',
  'park',
  'unpark',
  'parked',
];

/**
 * When an injected fault strikes: `before` the real call (nothing happened: a connection reset) or
 * `after` it completed (it committed, but the answer was lost: the caller cannot tell it from `before`).
 *
 * @example
 * ```ts
 * import type { FaultTiming } from 'serviceflow/testing';
 * const lostAck: FaultTiming = 'after';
 * ```
 */
export type FaultTiming = 'before' | 'after';

/**
 * One fault {@link faultyStore} injected.
 *
 * @example
 * ```ts
 * import type { InjectedFault } from 'serviceflow/testing';
 * const fault: InjectedFault = { method: 'save', timing: 'after', call: 42 };
 * ```
 */
export interface InjectedFault {
  readonly method: StoreMethod;
  readonly timing: FaultTiming;
  /** The number of the store call it struck (1 for the first call of any method). */
  readonly call: number;
}

/**
 * What a faulty store throws by default: an `Error` with `code: 'ECONNRESET'`, as a `pg` driver
 * does when the connection drops, carrying the fault it stands for.
 *
 * @example
 * ```ts
 * import { InjectedStoreFault } from 'serviceflow/testing';
 * const error = new InjectedStoreFault({ method: 'save', timing: 'after', call: 7 });
 * error.code; // 'ECONNRESET'
 * error.message; // 'Injected fault: save #7 lost its acknowledgement after it completed'
 * ```
 */
export class InjectedStoreFault extends Error {
  readonly code = 'ECONNRESET';
  constructor(readonly fault: InjectedFault) {
    super(
      fault.timing === 'after'
        ? `Injected fault: ${fault.method} #${fault.call} lost its acknowledgement after it completed`
        : `Injected fault: ${fault.method} #${fault.call} failed before it reached the store`,
    );
    this.name = 'InjectedStoreFault';
  }
}

/**
 * Options of {@link faultyStore}.
 *
 * @example
 * ```ts
 * import type { FaultyStoreOptions } from 'serviceflow/testing';
 * const options: FaultyStoreOptions = { seed: 7, failRate: 0.05, failOn: ['load', 'save'], lostAckShare: 1 };
 * ```
 */
export interface FaultyStoreOptions {
  /** Seeds the draws (default 1): the same seed and the same calls in the same order fail alike. */
  readonly seed?: number;
  /** The probability that a call fails, 0–1 (default 0.1). */
  readonly failRate?: number;
  /** The methods that may fail (default: all of them). */
  readonly failOn?: readonly StoreMethod[];
  /** The share of faults that strike after the real call completed (lost acknowledgements), 0–1 (default 0.5). */
  readonly lostAckShare?: number;
  /** Builds the error to throw (default: an {@link InjectedStoreFault}). */
  readonly error?: (fault: InjectedFault) => unknown;
}

/**
 * How many calls a {@link FaultyStore} saw and how many it failed.
 *
 * @example
 * ```ts
 * import { memoryStore } from 'serviceflow';
 * import { faultyStore, type FaultCounts } from 'serviceflow/testing';
 * const store = faultyStore(memoryStore());
 * const counts: FaultCounts = store.faults;
 * console.log(`${counts.injected} faults in ${counts.calls} calls (${counts.after} lost acks)`);
 * ```
 */
export interface FaultCounts {
  readonly calls: number;
  readonly injected: number;
  readonly before: number;
  readonly after: number;
  readonly byMethod: Readonly<Partial<Record<StoreMethod, number>>>;
}

/**
 * A store that fails on purpose. See {@link faultyStore}.
 *
 * @example
 * ```ts
 * import { memoryStore } from 'serviceflow';
 * import { faultyStore, type FaultyStore } from 'serviceflow/testing';
 * const store: FaultyStore = faultyStore(memoryStore(), { failRate: 0.2 });
 * store.enabled = false; // heal it: random faults stop (scripted ones still strike)
 * ```
 */
export interface FaultyStore extends SnapshotStore {
  /** Random faults strike only while `true` (default `true`): set it `false` to let a run settle. */
  enabled: boolean;
  /** What was called and failed so far. */
  readonly faults: FaultCounts;
  /** Every fault injected so far, in order. */
  readonly log: readonly InjectedFault[];
  /** Fails the next `times` calls of `method` (default once), `before` (default) or `after` the real call, whatever `failRate` and `enabled` say. */
  failNext(method: StoreMethod, options?: { timing?: FaultTiming; times?: number }): void;
}

/**
 * Wraps a {@link SnapshotStore} so that some calls fail like a flaky database: with probability
 * `failRate`, a call of a method in `failOn` throws, either before the real call (nothing happened)
 * or after it completed (`lostAckShare` of the faults: the write committed, the answer was lost).
 * Deterministic: the same seed and the same sequence of calls fail the same calls. `failNext`
 * scripts single faults for regression tests.
 *
 * Use it to check what your host does on store faults: with the desk, a failed wake-up is retried,
 * a `send` that threw can be retried with the same `eventId`, effects of a save whose answer was
 * lost are re-delivered by the outbox.
 *
 * @param store - the store to wrap (its calls go through unchanged unless a fault strikes)
 * @param options - seed, fault rate, methods and timing
 * @returns the faulty store, with its fault counts
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, manualClock, memoryStore } from 'serviceflow';
 * import { faultyStore } from 'serviceflow/testing';
 *
 * const store = faultyStore(memoryStore(), { seed: 42, failRate: 0.1 });
 * const clock = manualClock(Date.parse('2026-03-02T09:00:00Z'));
 * const desk = createServiceDesk({ process: createProcess(inquiryMachine), store, clock });
 * desk.on('error', () => {}); // failed wake-ups are reported here, then retried
 * store.failNext('save', { timing: 'after' }); // the next save commits, then "loses its connection"
 * ```
 */
export function faultyStore(store: SnapshotStore, options: FaultyStoreOptions = {}): FaultyStore {
  const random = seededRandom(options.seed ?? 1);
  const failRate = Math.min(1, Math.max(0, options.failRate ?? 0.1));
  const lostAckShare = Math.min(1, Math.max(0, options.lostAckShare ?? 0.5));
  const failOn = new Set(options.failOn ?? ALL_METHODS);
  const toError = options.error ?? ((fault: InjectedFault) => new InjectedStoreFault(fault));
  const scripted = new Map<StoreMethod, FaultTiming[]>();
  const log: InjectedFault[] = [];
  const byMethod: Partial<Record<StoreMethod, number>> = {};
  let calls = 0;
  let before = 0;

  // Draws for every call of a failable method, struck or not, so that enabling or scripting faults
  // on one method does not shift which calls of the others fail.
  const draw = (method: StoreMethod): FaultTiming | undefined => {
    const fails = random.next() < failRate;
    const timing: FaultTiming = random.next() < lostAckShare ? 'after' : 'before';
    const next = scripted.get(method)?.shift();
    if (next !== undefined) return next;
    return faulty.enabled && failOn.has(method) && fails ? timing : undefined;
  };

  const strike = (method: StoreMethod, timing: FaultTiming): never => {
    const fault: InjectedFault = { method, timing, call: calls };
    log.push(fault);
    byMethod[method] = (byMethod[method] ?? 0) + 1;
    if (timing === 'before') before++;
    throw toError(fault);
  };

  const wrap =
    <Args extends unknown[], Result>(method: StoreMethod, call: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      calls++;
      const timing = draw(method);
      if (timing === 'before') strike(method, timing);
      const result = await call(...args);
      if (timing === 'after') strike(method, timing);
      return result;
    };

  const { park, unpark, parked } = store;
  const faulty: FaultyStore = {
    enabled: true,
    load: wrap('load', (id) => store.load(id)),
    create: wrap('create', (write) => store.create(write)),
    save: wrap('save', (write) => store.save(write)),
    due: wrap('due', (query) => store.due(query)),
    journal: wrap('journal', (id, journalOptions) => store.journal(id, journalOptions)),
    undispatched: wrap('undispatched', (undispatchedOptions) => store.undispatched(undispatchedOptions)),
    markDispatched: wrap('markDispatched', (ids, at) => store.markDispatched(ids, at)),
    list: wrap('list', (listOptions) => store.list(listOptions)),
    ...(park === undefined ? {} : { park: wrap('park', park.bind(store)) }),
    ...(unpark === undefined ? {} : { unpark: wrap('unpark', unpark.bind(store)) }),
    ...(parked === undefined ? {} : { parked: wrap('parked', parked.bind(store)) }),
    ...(store.close === undefined ? {} : { close: store.close.bind(store) }),
    get faults(): FaultCounts {
      return { calls, injected: log.length, before, after: log.length - before, byMethod: { ...byMethod } };
    },
    get log() {
      return [...log];
    },
    failNext(method, scriptOptions = {}) {
      const list = scripted.get(method) ?? [];
      for (let i = 0; i < (scriptOptions.times ?? 1); i++) list.push(scriptOptions.timing ?? 'before');
      scripted.set(method, list);
    },
  };
  return faulty;
}
