/**
 * Parking: what the desk does with an inquiry that can never be woken as it is stored (a state the
 * process refuses with `INCOMPATIBLE_STATE`, a state the store refuses, a tick that never moves
 * `wakeAt`). Retrying such an inquiry only burns the store; the desk parks it with its reason
 * instead, tells the `parked` listeners, and leaves it to an operator. With a store that can park
 * (`store.park`), the mark is durable and `due()` stops offering the inquiry; with an older store,
 * the desk remembers it in memory until it restarts. Internal.
 */
import { ServiceFlowError, abbreviate } from '../errors.js';
import {
  compareSnapshotIds,
  toStorableText,
  type ParkReason,
  type ParkedSnapshot,
  type SnapshotStore,
} from '../stores/store.js';
import type { DeskClock } from './clock.js';
import type { EffectBus } from './effect-bus.js';
import type { WakeResult } from './scheduler.js';

/** Where the refused inquiry stood when it was refused. */
export interface RefusedSnapshot {
  readonly version: number;
  readonly stage: string;
  readonly wakeAt: number | null;
}

/**
 * A step that failed for a reason retrying cannot change: the process (restore or step) or the
 * store's checks refused the stored inquiry. `send` rethrows `error`; a wake-up parks the inquiry.
 */
export class StepRefusal {
  constructor(
    readonly error: unknown,
    readonly snapshot: RefusedSnapshot,
  ) {}
}

const MAX_REASON_LENGTH = 2_000;

/** The stable code and the message of a refusal, fit for any store. */
export function parkReasonOf(error: unknown): ParkReason {
  const code =
    error instanceof ServiceFlowError ? error.code : error instanceof Error ? error.name || 'Error' : 'UNKNOWN';
  const message = error instanceof Error ? error.message : `non-error thrown: ${abbreviate(error)}`;
  // Cut first, then clean: a cut through a surrogate pair leaves a lone surrogate, which no store keeps.
  return { code: toStorableText(code), message: toStorableText(message.slice(0, MAX_REASON_LENGTH)) };
}

/** The desk's parking, over the store's when it has one. */
export interface Parking {
  /** Parks the refused inquiry (if nobody saved it since) and tells the `parked` listeners. */
  park(id: string, refusal: StepRefusal): Promise<WakeResult>;
  /** Why the inquiry is parked in memory (stores without `park` only), or `undefined`. */
  parkedInMemory(id: string): ParkReason | undefined;
  /** A save of the inquiry succeeded: it is not parked any more (the store clears its own mark). */
  saved(id: string): void;
  list(options?: { limit?: number; after?: string }): Promise<ParkedSnapshot[]>;
  /** Clears the mark; resolves whether the inquiry was parked. */
  unpark(id: string): Promise<boolean>;
}

/** Creates the parking of one desk. */
export function createParking(store: SnapshotStore, bus: EffectBus, clock: DeskClock): Parking {
  const inMemory = new Map<string, ParkedSnapshot>();
  const durable = store.park !== undefined && store.unpark !== undefined && store.parked !== undefined;

  const park = async (id: string, refusal: StepRefusal): Promise<WakeResult> => {
    const reason = parkReasonOf(refusal.error);
    const at = clock.now();
    const { version, stage, wakeAt } = refusal.snapshot;
    let parked: ParkedSnapshot;
    if (durable && store.park !== undefined) {
      try {
        parked = await store.park({ id, expectedVersion: version, at, reason });
      } catch (error) {
        // Saved since (CONFLICT: the next attempt sees the new state) or the store failed: retry.
        return { outcome: 'failed', error };
      }
    } else {
      parked = { id, version, stage, wakeAt, parkedAt: at, reason };
      inMemory.set(id, parked);
    }
    bus.reportParked(parked, refusal.error);
    return { outcome: 'parked', reason };
  };

  return {
    park,
    parkedInMemory: (id) => inMemory.get(id)?.reason,
    saved: (id) => void inMemory.delete(id),
    async list(options = {}) {
      if (durable && store.parked !== undefined) return store.parked(options);
      const { after, limit } = options;
      const ids = [...inMemory.keys()]
        .filter((id) => after === undefined || compareSnapshotIds(id, after) > 0)
        .sort(compareSnapshotIds);
      return ids.slice(0, limit).map((id) => inMemory.get(id) as ParkedSnapshot); // ids come from the map
    },
    async unpark(id) {
      if (durable && store.unpark !== undefined) return store.unpark(id, clock.now());
      return inMemory.delete(id);
    },
  };
}
