/**
 * Automatic follow-ups, shared by the in-process desk and the BullMQ desk: the follow-up a
 * `followUp.requested` effect asks for is opened as part of delivering that effect. The effect is
 * journaled with the save of the step that reported it, and the outbox delivers every journaled
 * effect until it is delivered, so the follow-up is opened even when the process dies between the
 * save and the delivery; its id is a function of the effect alone, and opening an id that exists
 * is a no-op, so a re-delivery or a retried event opens nothing twice.
 */
import type { FollowUpRequestedEffect } from '../schemas/effects.js';
import type { InquiryInput } from '../schemas/inquiry.js';
import type { JournalEntry } from '../stores/store.js';
import type { EffectBus } from './effect-bus.js';

/**
 * How a desk opens follow-ups (`createServiceDesk({ followUps })`, `createBullmqDesk({ followUps })`;
 * `false` turns automatic opening off, and the host opens them from the `followUp.requested`
 * effect itself).
 *
 * @example
 * ```ts
 * import { createProcess, createServiceDesk, inquiryMachine, type FollowUpOptions } from 'serviceflow';
 * // One follow-up per inquiry and day, named after the day: 'T-1/2026-03-10'.
 * const followUps: FollowUpOptions = { id: (request) => `${request.inquiryId}/${new Date(request.at).toISOString().slice(0, 10)}` };
 * const desk = createServiceDesk({ process: createProcess(inquiryMachine), followUps });
 * ```
 */
export interface FollowUpOptions {
  /**
   * The id of the follow-up a request asks for. It must be a function of the request alone (the
   * same request, delivered again, must name the same inquiry): that is what makes the opening
   * exactly-once. Default: the id the process put in `request.input` (`followUpId(inquiryId, at)`).
   */
  readonly id?: (request: FollowUpRequestedEffect) => string;
}

/** Opens an inquiry unless one with its id exists (then resolves without doing anything). */
export type OpenFollowUp = (input: InquiryInput) => Promise<void>;

const isRequest = (entry: JournalEntry): boolean => entry.type === 'followUp.requested';

/**
 * The bus a desk delivers through when it opens follow-ups: each `followUp.requested` entry gets
 * the id of {@link FollowUpOptions.id} in its input, its follow-up is opened, and only then do its
 * listeners hear of it (so a listener can count on the follow-up being there). When the opening
 * fails, the entry is not delivered: the failure goes to the `error` channel and the outbox
 * delivers the entry again later.
 */
export function withFollowUps(bus: EffectBus, open: OpenFollowUp, options: FollowUpOptions = {}): EffectBus {
  const idOf = options.id;
  const prepare = (entry: JournalEntry): JournalEntry => {
    if (idOf === undefined) return entry;
    const request = entry.effect as FollowUpRequestedEffect;
    return { ...entry, effect: { ...request, input: { ...request.input, id: idOf(request) } } };
  };
  return {
    ...bus,
    async deliver(entries, redelivery) {
      if (!entries.some(isRequest)) return bus.deliver(entries, redelivery);
      const delivered: string[] = [];
      // One at a time, so that listeners still hear of a step's effects in their order.
      for (const entry of entries) {
        let ready = entry;
        if (isRequest(entry)) {
          try {
            ready = prepare(entry);
            await open((ready.effect as FollowUpRequestedEffect).input);
          } catch (error) {
            bus.reportError(error, { operation: 'follow-up', inquiryId: entry.snapshotId, effectId: entry.id });
            continue;
          }
        }
        delivered.push(...(await bus.deliver([ready], redelivery)));
      }
      return delivered;
    },
  };
}
