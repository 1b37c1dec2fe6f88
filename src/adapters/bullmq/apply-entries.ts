/**
 * The meaning of an inquiry's event log: a pure fold of its entries, in sequence order, over the
 * process. Every worker computes the same result from the same entries and the same starting
 * state, which is why a drain that raced another (and lost the save) or a retried job can never
 * make the stored state differ from the fold of the log.
 */
import type { AnyServiceMachine, ProcessStep, ServiceProcess } from '../../process/createProcess.js';
import { ServiceFlowError } from '../../errors.js';
import type { PersistedState } from '../../schemas/state.js';
import { lastEventAtOf } from '../../desk/snapshot.js';
import type { LogEntries } from './inquiry-log.js';
import { describeError } from './error-kind.js';
import { LogEntry } from './payloads.js';

/** An entry the fold could not apply, and why. */
export interface RejectedEntry {
  readonly sequence: number;
  readonly payload: unknown;
  readonly code: string;
  readonly message: string;
}

/** The outcome of folding a run of log entries. */
export interface AppliedEntries {
  /** The state after the entries (`undefined` while no `open` entry created one). */
  readonly state: PersistedState<unknown> | undefined;
  readonly wakeAt: number | null;
  /** The effects of every applied entry, in order. */
  readonly effects: readonly unknown[];
  /** Whether an `open` entry created the state in this fold. */
  readonly created: boolean;
  /** Whether any entry changed the state. */
  readonly changed: boolean;
  /** The sequence number of the last entry folded (`from - 1` when none was). */
  readonly last: number;
  /** Whether a `tick` entry was among them (applied or stale): the wake-up job that appended it is used up. */
  readonly ticked: boolean;
  /**
   * The due time of a `tick` entry the fold refused, when no entry after it applied: that
   * deadline cannot fire from this state, so waking it again would only refuse it again.
   */
  readonly refusedTickAt: number | null;
  readonly rejected: readonly RejectedEntry[];
}

const NONE: ReadonlySet<number> = new Set();

type Outcome =
  | { readonly kind: 'applied'; readonly step: ProcessStep<unknown, unknown>; readonly created: boolean }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'rejected'; readonly code: string; readonly message: string };

const MALFORMED = 'MALFORMED_PAYLOAD';
/** The dead-letter code of an entry that made the process throw something other than a `ServiceFlowError`. */
export const PROCESS_FAILED = 'PROCESS_FAILED';

/** Parses an entry's JSON text; `undefined` plus a reason when it is not a log entry. */
function parseEntry(
  text: string,
): { entry: LogEntry; payload: unknown } | { entry: undefined; payload: unknown; message: string } {
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return { entry: undefined, payload: text, message: 'the log entry is not JSON' };
  }
  const parsed = LogEntry.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined || first.path.length === 0 ? '' : ` at ${first.path.map(String).join('.')}`;
    return {
      entry: undefined,
      payload,
      message: `the log entry is not { kind: 'open' | 'event' | 'tick', … }${where}: ${first?.message ?? 'invalid'}`,
    };
  }
  return { entry: parsed.data, payload };
}

function applyEntry<TMachine extends AnyServiceMachine>(
  process: ServiceProcess<TMachine>,
  inquiryId: string,
  state: PersistedState<unknown> | undefined,
  entry: LogEntry,
): Outcome {
  try {
    switch (entry.kind) {
      case 'open': {
        if (state !== undefined)
          return {
            kind: 'rejected',
            code: 'CONFLICT',
            message: `Inquiry ${JSON.stringify(inquiryId)} is open already: an open entry applies once`,
          };
        const step = process.start(entry.input as never) as ProcessStep<unknown, unknown>;
        const id = (step.state.context as { id?: unknown }).id;
        if (id !== inquiryId) {
          return {
            kind: 'rejected',
            code: 'INVALID_INPUT',
            message: `The open entry's input has id ${JSON.stringify(id)}, but it is in the log of inquiry ${JSON.stringify(inquiryId)}`,
          };
        }
        return { kind: 'applied', step, created: true };
      }
      case 'event': {
        if (state === undefined) {
          return {
            kind: 'rejected',
            code: 'INVALID_INPUT',
            message: `No inquiry with id ${JSON.stringify(inquiryId)}: the event came before any open entry`,
          };
        }
        return {
          kind: 'applied',
          step: process.send(state as never, entry.event as never) as ProcessStep<unknown, unknown>,
          created: false,
        };
      }
      case 'tick': {
        // A wake-up is stale when an event already fired its deadline or moved it later.
        if (state === undefined) return { kind: 'skipped' };
        const wakeAt = process.wakeAt(state as never);
        if (wakeAt === null || wakeAt > entry.at || entry.at < lastEventAtOf(state)) return { kind: 'skipped' };
        return {
          kind: 'applied',
          step: process.send(state as never, { type: 'tick', at: entry.at } as never) as ProcessStep<unknown, unknown>,
          created: false,
        };
      }
    }
  } catch (error) {
    // The process's own refusals are the entry's fault. The process is pure (no I/O), so anything
    // else it throws is a bug that the same entry on the same state hits every time: retrying it
    // would block the inquiry's later entries forever.
    if (error instanceof ServiceFlowError) return { kind: 'rejected', code: error.code, message: error.message };
    return {
      kind: 'rejected',
      code: PROCESS_FAILED,
      message: `The process threw ${describeError(error)} (not a refusal: a bug in the machine, a policy or a migration)`,
    };
  }
}

/**
 * Folds the log entries `from`, `from + 1`, … (stopping at the first missing number) over `base`,
 * passing over the entries in `deadLettered` (recorded as dead letters by an earlier attempt).
 *
 * @example
 * ```ts
 * // Internal (not exported): as a module next to apply-entries.ts uses it.
 * import { createProcess, inquiryMachine } from '../../index.js';
 * import { applyEntries } from './apply-entries.js';
 * const inquiries = createProcess(inquiryMachine);
 * const open = JSON.stringify({ kind: 'open', input: { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 } });
 * const result = applyEntries(inquiries, 'T-1', undefined, null, new Map([[1, open]]), 1);
 * result.created; // true
 * ```
 */
export function applyEntries<TMachine extends AnyServiceMachine>(
  process: ServiceProcess<TMachine>,
  inquiryId: string,
  base: PersistedState<unknown> | undefined,
  baseWakeAt: number | null,
  entries: LogEntries,
  from: number,
  deadLettered: ReadonlySet<number> = NONE,
): AppliedEntries {
  let state = base;
  let wakeAt = baseWakeAt;
  let created = false;
  let changed = false;
  let last = from - 1;
  let ticked = false;
  let refusedTickAt: number | null = null;
  const effects: unknown[] = [];
  const rejected: RejectedEntry[] = [];
  for (let sequence = from; ; sequence++) {
    const text = entries.get(sequence);
    if (text === undefined) break;
    last = sequence;
    if (deadLettered.has(sequence)) continue;
    const parsed = parseEntry(text);
    if (parsed.entry === undefined) {
      rejected.push({ sequence, payload: parsed.payload, code: MALFORMED, message: parsed.message });
      continue;
    }
    ticked ||= parsed.entry.kind === 'tick';
    const outcome = applyEntry(process, inquiryId, state, parsed.entry);
    if (outcome.kind === 'rejected') {
      rejected.push({ sequence, payload: parsed.payload, code: outcome.code, message: outcome.message });
      if (parsed.entry.kind === 'tick') refusedTickAt = parsed.entry.at;
    }
    if (outcome.kind !== 'applied') continue;
    refusedTickAt = null;
    state = outcome.step.state;
    wakeAt = outcome.step.wakeAt;
    created ||= outcome.created;
    changed = true;
    for (const effect of outcome.step.effects) effects.push(effect);
  }
  return { state, wakeAt, effects, created, changed, last, ticked, refusedTickAt, rejected };
}
