/**
 * `applyEvents`: runs a list of candidate events through a process and keeps the ones it accepts.
 * This is how a generated event sequence becomes a valid lifecycle.
 */
import type {
  AnyServiceMachine,
  ProcessContextOf,
  ProcessEffectOf,
  ProcessEventOf,
  ProcessInputOf,
  ProcessStep,
  ServiceProcess,
} from '../process/createProcess.js';
import { ServiceFlowError } from '../errors.js';

/**
 * One event the process refused, and why.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { applyEvents } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * const { rejected } = applyEvents(process, { id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at: 0 }, [
 *   { type: 'resolve', at: 1_000 },
 *   { type: 'pend', reason: 'customer', at: 2_000 },
 * ]);
 * for (const { index, error } of rejected) console.log(index, error.code); // 1 'EVENT_NOT_ALLOWED'
 * ```
 */
export interface RejectedEvent<TEvent> {
  readonly event: TEvent;
  /** Its index in the candidate list. */
  readonly index: number;
  readonly error: ServiceFlowError;
}

/**
 * The record of a lifecycle: the start input, every step (`steps[0]` is `start`'s, `steps[i + 1]`
 * is `accepted[i]`'s) and the events that were refused. {@link checkInvariants} reads it.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { applyEvents, type InquiryTrace } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * const trace: InquiryTrace = applyEvents(process, { id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at: 0 }, [
 *   { type: 'agent.reply', at: 60_000 },
 *   { type: 'resolve', at: 600_000 },
 * ]);
 * console.log(trace.steps.length === trace.accepted.length + 1); // true
 * ```
 */
export interface InquiryTrace<TMachine extends AnyServiceMachine = AnyServiceMachine> {
  readonly input: ProcessInputOf<TMachine>;
  readonly steps: readonly ProcessStep<ProcessContextOf<TMachine>, ProcessEffectOf<TMachine>>[];
  readonly accepted: readonly ProcessEventOf<TMachine>[];
  readonly rejected: readonly RejectedEvent<ProcessEventOf<TMachine>>[];
}

/**
 * Starts an inquiry and sends it each candidate event in turn, keeping the ones the process
 * accepts and skipping (recording) the ones it refuses with a `ServiceFlowError`
 * (`EVENT_NOT_ALLOWED`, `OUT_OF_ORDER`, `INVALID_EVENT`). Any other error is a bug and is rethrown.
 * A refused event changes nothing, so the result is the lifecycle of the accepted events alone.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { applyEvents, checkInvariants } from 'serviceflow/testing';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const process = createProcess(inquiryMachine);
 * fc.assert(
 *   fc.property(arbitraries.lifecycle(), ({ input, events }) => {
 *     checkInvariants(applyEvents(process, input, events), { process });
 *   }),
 * );
 * ```
 */
export function applyEvents<TMachine extends AnyServiceMachine>(
  process: ServiceProcess<TMachine>,
  input: ProcessInputOf<TMachine>,
  events: readonly ProcessEventOf<TMachine>[],
): InquiryTrace<TMachine> {
  let step = process.start(input);
  const steps = [step];
  const accepted: ProcessEventOf<TMachine>[] = [];
  const rejected: RejectedEvent<ProcessEventOf<TMachine>>[] = [];
  events.forEach((event, index) => {
    try {
      step = process.send(step.state, event);
    } catch (error) {
      if (error instanceof ServiceFlowError) {
        rejected.push({ event, index, error });
        return;
      }
      throw error;
    }
    steps.push(step);
    accepted.push(event);
  });
  return { input, steps, accepted, rejected };
}
