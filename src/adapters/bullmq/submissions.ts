/**
 * The producer half of a BullMQ desk: validates what callers submit, appends it to the inquiry's
 * log and adds the drain job the append asks for.
 */
import type * as z from 'zod/mini';
import type {
  AnyServiceMachine,
  ProcessEventOf,
  ProcessInputOf,
  ProcessStep,
  ServiceProcess,
} from '../../process/createProcess.js';
import { abbreviate, describeZodError, InvalidEventError, InvalidInputError } from '../../errors.js';
import type { SendOptions, Submitted } from './bullmq-desk.js';
import type { DeskJobs } from './desk-jobs.js';
import type { InquiryLog, LogAppend } from './inquiry-log.js';
import { fastInquiryEvent, readsInquiryEvents } from '../../process/fast-inputs.js';

/** One event of a `sendMany`. */
export interface BatchedEvent<TMachine extends AnyServiceMachine> {
  readonly id: string;
  readonly event: ProcessEventOf<TMachine>;
  readonly eventId?: string;
}

/** Appends what callers submit, validated at the door. */
export class Submissions<TMachine extends AnyServiceMachine> {
  private readonly eventSchema: z.ZodMiniType | undefined;
  /** Whether the events are the built-in ones, whose plainly valid values are read without zod. */
  private readonly builtInEvents: boolean;

  constructor(
    private readonly process: ServiceProcess<TMachine>,
    private readonly log: InquiryLog,
    private readonly jobs: DeskJobs,
  ) {
    this.eventSchema = eventSchemaOf(process as ServiceProcess<AnyServiceMachine>);
    this.builtInEvents = this.eventSchema !== undefined && readsInquiryEvents(this.eventSchema);
  }

  /** Validates the input (`INVALID_INPUT` here, not in a worker) and appends an `open` entry. */
  async open(input: ProcessInputOf<TMachine>, options: SendOptions = {}): Promise<Submitted> {
    const step = this.process.start(input) as ProcessStep<unknown, unknown>;
    const id = checkId((step.state.context as { id?: unknown }).id);
    return this.appendOne(id, { payload: JSON.stringify({ kind: 'open', input }), eventId: options.eventId });
  }

  /** Validates the event's shape (`INVALID_EVENT`) and appends it. */
  async send(id: string, event: ProcessEventOf<TMachine>, options: SendOptions = {}): Promise<Submitted> {
    checkId(id);
    this.validateEvent(event);
    return this.appendOne(id, eventEntry(event, options.eventId));
  }

  /** Appends many events, one pipeline of appends and one bulk add of drain jobs per partition. */
  async sendMany(events: readonly BatchedEvent<TMachine>[]): Promise<Submitted[]> {
    const byInquiry = new Map<string, { index: number; item: LogAppend }[]>();
    events.forEach(({ id, event, eventId }, index) => {
      checkId(id);
      this.validateEvent(event);
      let list = byInquiry.get(id);
      if (list === undefined) byInquiry.set(id, (list = []));
      list.push({ index, item: eventEntry(event, eventId) });
    });
    const batches = [...byInquiry].map(([inquiryId, items]) => ({ inquiryId, items: items.map(({ item }) => item) }));
    const appended = await this.log.appendMany(batches);
    const submitted: Submitted[] = new Array<Submitted>(events.length);
    batches.forEach(({ inquiryId }, batch) =>
      byInquiry.get(inquiryId)?.forEach(({ index }, position) => {
        submitted[index] = { id: inquiryId, sequence: appended[batch]?.sequences[position] ?? 0 };
      }),
    );
    const drains = batches
      .filter((_, batch) => appended[batch]?.needsDrain !== false)
      .map(({ inquiryId }) => inquiryId);
    if (drains.length > 0) await this.jobs.drainAll(drains);
    return submitted;
  }

  /** Appends a dead letter's payload again (once per key) at the end of its inquiry's log. */
  async redrive(key: string): Promise<Submitted> {
    const letter = typeof key === 'string' ? await this.log.findDeadLetter(key) : undefined;
    if (letter === undefined) {
      throw new InvalidInputError(`No dead letter with key ${abbreviate(key)}: expected a key from deadLetters()`, {
        path: ['key'],
        received: key,
        expected: 'a key from deadLetters()',
      });
    }
    if (letter.inquiryId === undefined || letter.sequence === undefined) {
      throw new InvalidInputError(
        `Dead letter ${abbreviate(key)} is a job whose data was malformed: there is no log entry to re-drive`,
        { path: ['key'], received: key, expected: 'the key of a log entry (`inquiryId#sequence`)' },
      );
    }
    // The payload as it was in the log (a dead letter keeps the raw text of an entry that was not JSON).
    const payload = typeof letter.payload === 'string' ? letter.payload : JSON.stringify(letter.payload);
    const submitted = await this.appendOne(letter.inquiryId, { payload, eventId: `redrive-${key}` });
    await this.log.takeDeadLetter(key);
    return submitted;
  }

  private async appendOne(id: string, item: LogAppend): Promise<Submitted> {
    const appended = await this.log.append(id, [{ payload: item.payload, eventId: item.eventId ?? randomEventId() }]);
    await this.jobs.drainAfter(id, appended);
    return { id, sequence: appended.sequences[0] ?? 0 };
  }

  private validateEvent(event: unknown): void {
    if (this.eventSchema === undefined) return;
    if (this.builtInEvents && fastInquiryEvent(event) !== undefined) return;
    const parsed = this.eventSchema.safeParse(event);
    if (!parsed.success) {
      const { message, details } = describeZodError('event', event, parsed.error);
      throw new InvalidEventError(message, details);
    }
  }
}

function eventSchemaOf(process: ServiceProcess<AnyServiceMachine>): z.ZodMiniType | undefined {
  const events = (process.machine.schemas as { events?: unknown } | undefined)?.events;
  return typeof events === 'object' && events !== null && typeof (events as z.ZodMiniType).safeParse === 'function'
    ? (events as z.ZodMiniType)
    : undefined;
}

function checkId(id: unknown): string {
  if (typeof id !== 'string' || id === '') {
    throw new InvalidInputError(`Invalid inquiry id ${abbreviate(id)}: expected a non-empty string`, {
      path: ['id'],
      received: id,
      expected: 'a non-empty string',
    });
  }
  return id;
}

/** A random event id: makes the desk's own reconnect-and-resend after a Redis restart harmless. */
const randomEventId = (): string => `r-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;

const eventEntry = (event: unknown, eventId: string | undefined): LogAppend => ({
  payload: JSON.stringify({ kind: 'event', event }),
  eventId: eventId ?? randomEventId(),
});
