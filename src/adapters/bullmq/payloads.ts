/**
 * What travels through Redis: the entries of an inquiry's event log and the data of the runner's
 * jobs. Both are validated when read, since any producer (another release, another language, a
 * hand-written script) can put anything there; what does not parse goes to the dead-letter list.
 */
import * as z from 'zod/mini';
import { compiledObject } from '../../internal/compiled-objects.js';
import { instantRange } from '../../schemas/time.js';

/** An instant the process accepts (epoch ms, negative before 1970). */
const Instant = z.number().check(z.int(), z.gte(instantRange.min), z.lte(instantRange.max));

/**
 * One entry of an inquiry's event log: the start input (`open`), an event, or a wake-up (`tick`
 * at a due time, appended by the wake-up job). The event and the input stay `unknown` here: the
 * process validates them when it applies them.
 */
export const LogEntry = z.discriminatedUnion('kind', [
  compiledObject({ kind: z.literal('open'), input: z.unknown() }),
  compiledObject({ kind: z.literal('event'), event: z.unknown() }),
  compiledObject({ kind: z.literal('tick'), at: Instant }),
]);
export type LogEntry = z.infer<typeof LogEntry>;

/** The data of a drain job: apply the inquiry's unapplied log entries. */
export const DrainJobData = compiledObject({ kind: z.literal('drain'), inquiryId: z.string().check(z.minLength(1)) });
/** The data of a wake-up job: the inquiry's deadline at `dueAt` is due. */
export const WakeJobData = compiledObject({
  kind: z.literal('wake'),
  inquiryId: z.string().check(z.minLength(1)),
  dueAt: Instant,
});
/** Every job the runner's queue holds. */
export const RunnerJobData = z.discriminatedUnion('kind', [DrainJobData, WakeJobData]);
export type RunnerJobData = z.infer<typeof RunnerJobData>;

/**
 * A payload the runner could not apply, as the dead-letter list keeps it.
 *
 * @example
 * ```ts
 * import { inquiryMachine } from 'serviceflow';
 * import type { BullmqDesk, DeadLetter } from 'serviceflow/bullmq';
 * declare const desk: BullmqDesk<typeof inquiryMachine>;
 * const letters: DeadLetter[] = await desk.deadLetters({ count: 50 });
 * for (const letter of letters) {
 *   console.log(letter.inquiryId, letter.sequence, letter.reason.code, letter.reason.message);
 * }
 * ```
 */
export interface DeadLetter {
  /** What the record is about: `${inquiryId}#${sequence}` for a log entry, `job:${jobId}` for a job. */
  readonly key: string;
  readonly inquiryId?: string;
  /** The log entry's sequence number. */
  readonly sequence?: number;
  /** The BullMQ job id, for a job whose data was malformed. */
  readonly jobId?: string;
  /** The payload as found (parsed JSON when it was JSON, else the raw text). */
  readonly payload: unknown;
  /**
   * Why it was not applied: a `ServiceFlowError` code (the process's refusal, or
   * `INCOMPATIBLE_STATE` for a stored state that cannot be restored), `MALFORMED_PAYLOAD`,
   * `STORE_REFUSED` (the store refused the state or effects the entry leads to) or
   * `PROCESS_FAILED` (the process threw something else); and a message.
   */
  readonly reason: { readonly code: string; readonly message: string };
  /** When it was recorded (the runner's clock). */
  readonly at: number;
}
