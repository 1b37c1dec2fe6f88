/**
 * `createServiceDesk`: many inquiries of one process, persisted in a store, woken at their
 * deadlines, with their effects on a typed event bus. The steps themselves are in
 * `inquiry-steps.ts`; the desk's shapes in `service-desk.ts`.
 */
import { EventNotAllowedError, InvalidInputError, ServiceFlowError, abbreviate } from '../errors.js';
import type { AnyServiceMachine, ProcessInputOf, ProcessStep } from '../process/createProcess.js';
import type { PersistedState } from '../schemas/state.js';
import { memoryStore } from '../stores/memory.js';
import { isStorableText } from '../stores/store.js';
import { systemClock } from './clock.js';
import { createEffectBus, eventSourceMethods } from './effect-bus.js';
import { withFollowUps } from './follow-ups.js';
import { InquirySteps } from './inquiry-steps.js';
import { createOutbox } from './outbox.js';
import { StepRefusal, createParking } from './parking.js';
import type { ServiceDesk, ServiceDeskOptions } from './service-desk.js';
import { snapshotCache } from './snapshot-cache.js';
import { StepChains } from './step-chains.js';
import type { Apply } from './step-results.js';
import { timerScheduler } from './timer-scheduler.js';

export type {
  DeskEffect,
  DeskEffectOf,
  DeskInquiry,
  DeskSendOptions,
  DeskStep,
  ServiceDesk,
  ServiceDeskOptions,
} from './service-desk.js';

const MAX_EVENT_ID_LENGTH = 200;

function checkEventId(eventId: unknown): string | undefined {
  if (eventId === undefined) return undefined;
  if (
    typeof eventId !== 'string' ||
    eventId === '' ||
    eventId.length > MAX_EVENT_ID_LENGTH ||
    !isStorableText(eventId)
  ) {
    throw new InvalidInputError(
      `Invalid eventId ${abbreviate(eventId)}: expected a non-empty string of at most ${MAX_EVENT_ID_LENGTH} characters`,
      {
        path: ['eventId'],
        received: eventId,
        expected: `a non-empty string of at most ${MAX_EVENT_ID_LENGTH} characters, without NUL characters or unpaired surrogates`,
      },
    );
  }
  return eventId;
}

// `send` and `open` reject with what the process or the store refused, not with its wrapper.
const unwrapRefusal = (error: unknown): never => {
  throw error instanceof StepRefusal ? error.error : error;
};

const isConflict = (error: unknown): boolean => error instanceof ServiceFlowError && error.code === 'CONFLICT';

/** Whether the desk was closed, and the one closing every `close()` call waits for. */
class DeskLifecycle {
  closed = false;
  private closing: Promise<void> | undefined;

  ensureOpen(): void {
    if (this.closed) {
      throw new EventNotAllowedError('The service desk is closed: open, send and wake are not allowed after close()', {
        expected: 'a desk that was not closed',
      });
    }
  }

  /** Closes once: marks the desk closed, then runs `shutDown`. */
  close(shutDown: () => Promise<void>): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await shutDown();
    })();
    return this.closing;
  }
}

/**
 * Creates a service desk: many inquiries of one process, persisted in a store, woken at their
 * deadlines, with their effects on a typed event bus.
 *
 * One step is: load the inquiry → `process.send` → save with the loaded version as
 * `expectedVersion` (on `CONFLICT`: reload and re-apply, at most `maxAttempts` times) → deliver the
 * effects to listeners, only after the save succeeded → schedule the new `wakeAt`. Steps of one
 * inquiry never overlap inside a desk. Effects are delivered at least once, each with its stable
 * journal id; the outbox re-delivers those a listener failed on or a crash cut off.
 *
 * Stored states written by an earlier machine version are migrated on load (`process.restore`,
 * with the process's `migrations`) or refused with `INCOMPATIBLE_STATE`.
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, slaPolicy } from 'serviceflow';
 *
 * const inquiries = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
 * const desk = createServiceDesk({ process: inquiries });
 * desk.on('sla.breached', (effect, { id }) => console.log(id, effect.metric, 'breached'));
 *
 * await desk.open({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: Date.now() });
 * const step = await desk.send('T-1', { type: 'agent.reply', agentId: 'ana', at: Date.now() });
 * step.view.sla.firstResponse?.status; // 'met'
 * await desk.close();
 * ```
 */
export function createServiceDesk<TMachine extends AnyServiceMachine>(
  options: ServiceDeskOptions<TMachine>,
): ServiceDesk<TMachine> {
  const { process } = options;
  const store = options.store ?? memoryStore();
  const clock = options.clock ?? systemClock;
  const scheduler = options.scheduler === false ? undefined : (options.scheduler ?? timerScheduler());
  const bus = createEffectBus();
  const lifecycle = new DeskLifecycle();
  const chains = new StepChains();
  const cache = snapshotCache(options.cacheSize ?? 10_000);
  const parking = createParking(store, bus, clock);
  // A follow-up is opened once: its id exists already when a request is delivered again.
  const openFollowUp = async (input: unknown): Promise<void> => {
    await steps.open(input as ProcessInputOf<TMachine>, undefined).catch((error: unknown) => {
      if (!isConflict(error)) throw error;
    });
  };
  const delivery = options.followUps === false ? bus : withFollowUps(bus, openFollowUp, options.followUps);
  const outbox = createOutbox(store, delivery, clock, options.outbox);
  const steps = new InquirySteps<TMachine>({
    process,
    store,
    clock,
    scheduler,
    outbox,
    parking,
    cache,
    chains,
    maxAttempts: Math.max(1, options.maxAttempts ?? 8),
    isClosed: () => lifecycle.closed,
  });

  const desk: ServiceDesk<TMachine> = {
    process,
    store,
    clock,
    ...eventSourceMethods(bus, () => desk),

    async open(input, sendOptions = {}) {
      lifecycle.ensureOpen();
      return steps.open(input, checkEventId(sendOptions.eventId));
    },

    async send(id, event, sendOptions = {}) {
      lifecycle.ensureOpen();
      const eventId = checkEventId(sendOptions.eventId);
      const what = `event '${String((event as { type?: unknown }).type)}'`;
      const apply: Apply = (state) => process.send(state as never, event) as ProcessStep<unknown, unknown>;
      return steps.send(id, apply, what, eventId).catch(unwrapRefusal);
    },

    async get(id) {
      const snapshot = await store.load(id);
      if (snapshot === undefined) return undefined;
      const state = process.restore(snapshot.state);
      return {
        id,
        version: snapshot.version,
        view: process.view(state),
        wakeAt: snapshot.wakeAt,
        state: state as PersistedState<unknown>,
      };
    },

    async wake(id) {
      lifecycle.ensureOpen();
      return steps.wake(id);
    },

    parked: (parkedOptions) => parking.list(parkedOptions),

    async unpark(id) {
      lifecycle.ensureOpen();
      if (!(await parking.unpark(id))) return false;
      cache.delete(id);
      // A wake-up now is always safe: it reloads, ticks what is due and schedules the next one.
      scheduler?.schedule(id, clock.now());
      return true;
    },

    redeliver: () => outbox.redeliver(),

    close: () =>
      lifecycle.close(async () => {
        await scheduler?.stop();
        await chains.drain();
        await outbox.stop();
      }),
  };

  if (scheduler !== undefined) {
    const started = scheduler.start({
      clock,
      store,
      wake: (id) => steps.wakeForScheduler(id),
      reportError: (error, context) => bus.reportError(error, { operation: 'schedule', ...context }),
    });
    void Promise.resolve(started).catch((error: unknown) => bus.reportError(error, { operation: 'schedule' }));
  }
  outbox.start();
  return desk;
}
