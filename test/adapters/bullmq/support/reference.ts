/**
 * The reference the reliability scenarios hold the runner to: the pure process folded over an
 * inquiry's event log as Redis recorded it, written here independently of the runner's own fold.
 * An entry is refused when it does not parse, when the process refuses it or throws on it (any
 * error: the process is pure, so it would throw again), and when the store contract refuses the
 * state or the effects it leads to (a NUL, a lone surrogate): each entry is decided from the state
 * the entries before it, minus the refused ones, led to.
 */
import { checkSnapshotWrite } from 'serviceflow/stores';
import type { reliabilityProcess } from './reliability-process.js';

type Process = ReturnType<typeof reliabilityProcess>;
type State = ReturnType<Process['start']>['state'];

export interface Reference {
  readonly state: State | undefined;
  readonly effects: unknown[];
  /** Sequence numbers of the entries the process refused (or that did not parse). */
  readonly refused: number[];
}

export function referenceFold(process: Process, inquiryId: string, log: ReadonlyMap<number, string>): Reference {
  let state: State | undefined;
  const effects: unknown[] = [];
  const refused: number[] = [];
  const sequences = [...log.keys()].sort((a, b) => a - b);
  for (const sequence of sequences) {
    let entry: { kind?: unknown; input?: unknown; event?: unknown; at?: unknown };
    try {
      entry = JSON.parse(log.get(sequence) ?? '') as typeof entry;
    } catch {
      refused.push(sequence);
      continue;
    }
    try {
      let step: ReturnType<Process['start']> | undefined;
      if (entry.kind === 'open' && state === undefined) {
        step = process.start(entry.input as never);
        if (step.state.context.id !== inquiryId) step = undefined;
      } else if (entry.kind === 'event' && state !== undefined) {
        step = process.send(state, entry.event as never);
      } else if (entry.kind === 'tick' && typeof entry.at === 'number') {
        if (state === undefined) continue;
        const wakeAt = process.wakeAt(state);
        if (wakeAt === null || wakeAt > entry.at || entry.at < state.context.lastEventAt) continue; // a stale wake-up
        step = process.send(state, { type: 'tick', at: entry.at });
      }
      if (step === undefined) {
        refused.push(sequence);
        continue;
      }
      checkSnapshotWrite({
        id: inquiryId,
        state: step.state,
        stage: 'any',
        wakeAt: null,
        lastEventAt: 0,
        effects: step.effects,
      });
      state = step.state;
      effects.push(...step.effects);
    } catch {
      refused.push(sequence);
    }
  }
  return { state, effects, refused };
}
