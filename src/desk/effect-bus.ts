/**
 * The desk's typed event bus, on eventemitter3: one channel per effect type, the `effect` channel
 * for every effect, and the `error` channel for failures of background work. Listeners may be
 * async; an effect counts as delivered once every listener returned (or resolved) without
 * throwing, and only then is it marked dispatched in the store's outbox.
 */
import EventEmitter from 'eventemitter3';
import type { JournalEntry, ParkedSnapshot } from '../stores/store.js';

/**
 * How one effect reached a listener: its stable id (the same on every re-delivery, so a listener
 * can de-duplicate) and where it sits in the inquiry's journal.
 *
 * @example
 * ```ts
 * import { inquiryMachine, type EffectDelivery, type ServiceDesk } from 'serviceflow';
 * declare const desk: ServiceDesk<typeof inquiryMachine>;
 * const seen = new Set<string>(); // in real life: a table with a unique key
 * desk.on('effect', (effect, delivery: EffectDelivery) => {
 *   if (seen.has(delivery.id)) return; // delivered before: at-least-once
 *   seen.add(delivery.id);
 * });
 * ```
 */
export interface EffectDelivery {
  /** `${inquiryId}:${version}:${index}`: the journal entry's id. */
  readonly id: string;
  readonly inquiryId: string;
  /** The inquiry version whose save produced the effect. */
  readonly version: number;
  /** The effect's position within that save. */
  readonly index: number;
  /** `true` when the outbox delivers it again (an earlier delivery failed or was cut short). */
  readonly redelivery: boolean;
}

/**
 * A listener of effects; it may return a promise, which the desk awaits.
 *
 * @example
 * ```ts
 * import { inquiryMachine, type EffectListener, type ServiceDesk, type SlaBreachedEffect } from 'serviceflow';
 * declare const desk: ServiceDesk<typeof inquiryMachine>;
 * declare const pager: { page(message: string): Promise<void> };
 * const notify: EffectListener<SlaBreachedEffect> = async (effect) => {
 *   await pager.page(`SLA ${effect.metric} breached on ${effect.inquiryId}`);
 * };
 * desk.on('sla.breached', notify);
 * ```
 */
export type EffectListener<Effect> = (effect: Effect, delivery: EffectDelivery) => void | Promise<void>;

/**
 * What was going on when a background failure happened, as the `error` channel reports it.
 *
 * @example
 * ```ts
 * import { inquiryMachine, type DeskErrorContext, type ServiceDesk } from 'serviceflow';
 * declare const desk: ServiceDesk<typeof inquiryMachine>;
 * desk.on('error', (error, context: DeskErrorContext) => console.warn(context.operation, context.inquiryId ?? '-', error));
 * ```
 */
export interface DeskErrorContext {
  /**
   * `wake`: a scheduled tick; `deliver`: a listener threw; `outbox`: re-delivery; `mark`:
   * `markDispatched`; `schedule`: the scheduler; `park`: parking an inquiry, or a `parked` listener;
   * `follow-up`: opening a requested follow-up failed (the request is delivered again later).
   */
  readonly operation:
    'wake' | 'deliver' | 'outbox' | 'mark' | 'schedule' | 'park' | 'drain' | 'dead-letter' | 'follow-up';
  readonly inquiryId?: string;
  /** For a failed `wake`: which attempt failed (1 for the first). */
  readonly attempt?: number;
  /** For a failed `wake`: when the scheduler tries again (epoch ms on the desk's clock). */
  readonly retryAt?: number;
  /** The journal id of the effect being delivered, for `deliver`. */
  readonly effectId?: string;
}

/**
 * The channels of a desk's bus for a process whose effects are `Effect`: one per effect type
 * (`'sla.breached'`, `'inquiry.closed'`, …) typed with that effect, `effect` for all of them and
 * `error` for background failures.
 *
 * @example
 * ```ts
 * import type { DeskEvents, InquiryEffect } from 'serviceflow';
 * type Channels = keyof DeskEvents<InquiryEffect>; // 'sla.breached' | … | 'effect' | 'error'
 * ```
 */
export type DeskEvents<Effect extends { readonly type: string }> = {
  [Type in Effect['type']]: EffectListener<Extract<Effect, { readonly type: Type }>>;
} & {
  effect: EffectListener<Effect>;
  error: (error: unknown, context: DeskErrorContext) => void;
  /**
   * An inquiry that can never be woken as stored was parked (in-process desk): `parked` says why,
   * `error` is the refusal itself. List them with `desk.parked()`, retry with `desk.unpark(id)`.
   */
  parked: (parked: ParkedSnapshot, error: unknown) => void;
};

/**
 * Subscribing to a desk's bus (the desk, the BullMQ desk). `on`/`off`/`once` return the bus, like
 * eventemitter3's.
 *
 * @example
 * ```ts
 * import type { DeskEventSource, InquiryEffect } from 'serviceflow';
 * declare const desk: DeskEventSource<InquiryEffect>; // a ServiceDesk or a BullmqDesk
 * desk.on('sla.breached', (effect) => console.log(effect.metric, effect.dueAt)).on('error', console.error);
 * ```
 */
export interface DeskEventSource<Effect extends { readonly type: string }> {
  on<Channel extends keyof DeskEvents<Effect> & string>(channel: Channel, listener: DeskEvents<Effect>[Channel]): this;
  once<Channel extends keyof DeskEvents<Effect> & string>(
    channel: Channel,
    listener: DeskEvents<Effect>[Channel],
  ): this;
  off<Channel extends keyof DeskEvents<Effect> & string>(
    channel: Channel,
    listener?: DeskEvents<Effect>[Channel],
  ): this;
}

type AnyListener = (...args: never[]) => unknown;
// What eventemitter3 stores; every listener goes in through `on`/`once`, typed per channel.
type StoredListener = (...args: unknown[]) => unknown;
const stored = (listener: AnyListener): StoredListener => listener as StoredListener;

/** The bus as the shells use it: subscribe, deliver journal entries, report errors. */
export interface EffectBus {
  on(channel: string, listener: AnyListener): void;
  once(channel: string, listener: AnyListener): void;
  off(channel: string, listener?: AnyListener): void;
  /** Hands each entry to its listeners, in order; returns the ids every listener accepted. */
  deliver(entries: readonly JournalEntry[], redelivery: boolean): Promise<string[]>;
  /** Emits on the `error` channel (or prints to stderr when nobody listens). */
  reportError(error: unknown, context: DeskErrorContext): void;
  /** Emits on the `parked` channel; a listener that throws is reported on `error`. */
  reportParked(parked: ParkedSnapshot, error: unknown): void;
}

/**
 * The {@link DeskEventSource} methods of a desk: each subscribes on the desk's bus and returns the
 * desk, for chaining. Shared by the in-process desk and the BullMQ desk.
 */
export function eventSourceMethods<TDesk>(bus: EffectBus, desk: () => TDesk) {
  return {
    on(channel: string, listener: AnyListener): TDesk {
      bus.on(channel, listener);
      return desk();
    },
    once(channel: string, listener: AnyListener): TDesk {
      bus.once(channel, listener);
      return desk();
    },
    off(channel: string, listener?: AnyListener): TDesk {
      bus.off(channel, listener);
      return desk();
    },
  };
}

/** Creates the bus of one desk. Internal: the desks expose it through {@link DeskEventSource}. */
export function createEffectBus(): EffectBus {
  const emitter = new EventEmitter<string>();
  const onceWrappers = new WeakMap<AnyListener, StoredListener>();

  const reportError = (error: unknown, context: DeskErrorContext): void => {
    if (emitter.listenerCount('error') === 0) {
      console.error(
        `[serviceflow] desk ${context.operation} failed${context.inquiryId === undefined ? '' : ` for ${context.inquiryId}`}:`,
        error,
      );
      return;
    }
    for (const listener of emitter.listeners('error')) {
      try {
        (listener as (error: unknown, context: DeskErrorContext) => void)(error, context);
      } catch (thrown) {
        console.error('[serviceflow] an error listener threw:', thrown);
      }
    }
  };

  const call = async (listener: AnyListener, entry: JournalEntry, delivery: EffectDelivery): Promise<boolean> => {
    try {
      await (listener as EffectListener<unknown>)(entry.effect, delivery);
      return true;
    } catch (error) {
      reportError(error, { operation: 'deliver', inquiryId: entry.snapshotId, effectId: entry.id });
      return false;
    }
  };

  return {
    on: (channel, listener) => void emitter.on(channel, stored(listener)),
    once(channel, listener) {
      const wrapper: StoredListener = (...args) => {
        emitter.off(channel, wrapper);
        return stored(listener)(...args);
      };
      onceWrappers.set(listener, wrapper);
      emitter.on(channel, wrapper);
    },
    off(channel, listener) {
      if (listener === undefined) emitter.removeAllListeners(channel);
      else emitter.off(channel, onceWrappers.get(listener) ?? stored(listener));
    },
    async deliver(entries, redelivery) {
      const delivered: string[] = [];
      for (const entry of entries) {
        const delivery: EffectDelivery = {
          id: entry.id,
          inquiryId: entry.snapshotId,
          version: entry.version,
          index: entry.index,
          redelivery,
        };
        let ok = true;
        // Snapshot the lists first: a once-listener removes itself while being called.
        for (const listener of [...emitter.listeners(entry.type), ...emitter.listeners('effect')]) {
          ok = (await call(listener as AnyListener, entry, delivery)) && ok;
        }
        if (ok) delivered.push(entry.id);
      }
      return delivered;
    },
    reportError,
    reportParked(parked, error) {
      if (emitter.listenerCount('parked') === 0) {
        console.error(`[serviceflow] inquiry ${parked.id} parked (${parked.reason.code}): ${parked.reason.message}`);
        return;
      }
      for (const listener of emitter.listeners('parked')) {
        try {
          (listener as (parked: ParkedSnapshot, error: unknown) => void)(parked, error);
        } catch (thrown) {
          reportError(thrown, { operation: 'park', inquiryId: parked.id });
        }
      }
    },
  };
}
