/**
 * What one desk step applies to a stored inquiry, and how its result is handed back: the journal
 * entries of its effects and the `DeskStep` that `open`, `send` and `wake` resolve with.
 */
import type { AnyServiceMachine, ProcessStep, ProcessViewOf, ServiceProcess } from '../process/createProcess.js';
import type { PersistedState } from '../schemas/state.js';
import { journalEntries, type JournalEntry } from '../stores/store.js';
import type { DeskEffectOf, DeskStep } from './service-desk.js';
import type { CachedSnapshot } from './snapshot-cache.js';

/**
 * What a step does to the stored inquiry: the process step to save, or `null` when there is
 * nothing to do. Throws what the process refuses.
 */
export type Apply = (state: PersistedState<unknown>, current: CachedSnapshot) => ProcessStep<unknown, unknown> | null;

/**
 * The journal entries of a step's effects, saved at `version`, none dispatched yet (the same
 * entries a store journals: `journalEntries` of `serviceflow/stores`).
 */
export function toEntries(id: string, version: number, effects: readonly unknown[]): JournalEntry[] {
  // A process's effects all carry `type` and `at` (the effect schemas require both).
  return journalEntries(id, version, effects as readonly { type: string; at: number }[]);
}

/** The inquiry after a step. The view is computed on first read: a host that only needs the version pays nothing. */
export function toDeskStep<TMachine extends AnyServiceMachine>(
  process: ServiceProcess<TMachine>,
  id: string,
  version: number,
  state: PersistedState<unknown>,
  entries: readonly JournalEntry[],
  wakeAt: number | null,
  duplicate: boolean,
): DeskStep<TMachine> {
  let view: ProcessViewOf<TMachine> | undefined;
  return {
    id,
    version,
    get view() {
      return (view ??= process.view(state as never));
    },
    effects: entries.map((entry) => ({ id: entry.id, effect: entry.effect as DeskEffectOf<TMachine> })),
    wakeAt,
    ...(duplicate ? { duplicate } : {}),
  };
}
