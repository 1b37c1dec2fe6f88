import type { Channel } from './inquiry.js';
import type { ContactDirection, ContactOutcome, ContactStage } from './contact.js';

/**
 * Contact effects are the domain events a contact step produces, in order. Each carries the
 * contact's id, the inquiry it belongs to (when linked) and the instant it happened.
 */
interface ContactEffectBase<T extends string> {
  readonly type: T;
  readonly contactId: string;
  readonly inquiryId?: string;
  readonly at: number;
}

/**
 * A contact started (inbound arrived, or outbound initiated).
 *
 * @example
 * ```ts
 * import type { ContactStartedEffect } from 'serviceflow';
 * const effect: ContactStartedEffect = { type: 'contact.started', contactId: 'K-1', inquiryId: 'T-1', at: 0, channel: 'chat', direction: 'inbound' };
 * ```
 */
export interface ContactStartedEffect extends ContactEffectBase<'contact.started'> {
  readonly channel: Channel;
  readonly direction: ContactDirection;
}
/**
 * The contact moved from one stage to another.
 *
 * @example
 * ```ts
 * import type { ContactStageChangedEffect } from 'serviceflow';
 * const effect: ContactStageChangedEffect = { type: 'stage.changed', contactId: 'K-1', at: 0, from: 'preContact', to: 'contact' };
 * ```
 */
export interface ContactStageChangedEffect extends ContactEffectBase<'stage.changed'> {
  readonly from: ContactStage;
  readonly to: ContactStage;
}
/**
 * The customer was identified (first time or again).
 *
 * @example
 * ```ts
 * import type { ContactIdentifiedEffect } from 'serviceflow';
 * const effect: ContactIdentifiedEffect = { type: 'contact.identified', contactId: 'K-1', at: 0, customerId: 'C-1' };
 * ```
 */
export interface ContactIdentifiedEffect extends ContactEffectBase<'contact.identified'> {
  readonly customerId: string;
}
/**
 * The contact was routed to a queue (or re-routed).
 *
 * @example
 * ```ts
 * import type { ContactQueuedEffect } from 'serviceflow';
 * const effect: ContactQueuedEffect = { type: 'contact.queued', contactId: 'K-1', at: 0, queue: 'billing' };
 * ```
 */
export interface ContactQueuedEffect extends ContactEffectBase<'contact.queued'> {
  readonly queue: string;
}
/**
 * An agent connected; `queueMs` is the wait before (0 when never queued).
 *
 * @example
 * ```ts
 * import type { ContactConnectedEffect } from 'serviceflow';
 * const effect: ContactConnectedEffect = { type: 'contact.connected', contactId: 'K-1', at: 0, agentId: 'ana', queueMs: 90_000 };
 * ```
 */
export interface ContactConnectedEffect extends ContactEffectBase<'contact.connected'> {
  readonly agentId: string;
  readonly queueMs: number;
}
/**
 * The customer was put on hold.
 *
 * @example
 * ```ts
 * import type { ContactHeldEffect } from 'serviceflow';
 * const effect: ContactHeldEffect = { type: 'contact.held', contactId: 'K-1', at: 0, agentId: 'ana' };
 * ```
 */
export interface ContactHeldEffect extends ContactEffectBase<'contact.held'> {
  readonly agentId: string;
}
/**
 * The customer was taken off hold; `holdMs` is the length of this hold.
 *
 * @example
 * ```ts
 * import type { ContactUnheldEffect } from 'serviceflow';
 * const effect: ContactUnheldEffect = { type: 'contact.unheld', contactId: 'K-1', at: 0, agentId: 'ana', holdMs: 60_000 };
 * ```
 */
export interface ContactUnheldEffect extends ContactEffectBase<'contact.unheld'> {
  readonly agentId: string;
  readonly holdMs: number;
}
/**
 * The contact was handed from one agent to another.
 *
 * @example
 * ```ts
 * import type { ContactTransferredEffect } from 'serviceflow';
 * const effect: ContactTransferredEffect = { type: 'contact.transferred', contactId: 'K-1', at: 0, from: 'ana', to: 'ben' };
 * ```
 */
export interface ContactTransferredEffect extends ContactEffectBase<'contact.transferred'> {
  readonly from: string;
  readonly to: string;
}
/**
 * The conversation ended; wrap-up starts. Talk and hold time of the whole conversation.
 *
 * @example
 * ```ts
 * import type { ContactEndedEffect } from 'serviceflow';
 * const effect: ContactEndedEffect = { type: 'contact.ended', contactId: 'K-1', at: 0, talkMs: 300_000, holdMs: 60_000 };
 * ```
 */
export interface ContactEndedEffect extends ContactEffectBase<'contact.ended'> {
  readonly talkMs: number;
  readonly holdMs: number;
}
/**
 * A satisfaction survey should be offered to the customer about this contact (at wrap-up).
 *
 * @example
 * ```ts
 * import type { ContactSurveyOfferedEffect } from 'serviceflow';
 * const effect: ContactSurveyOfferedEffect = { type: 'survey.offered', contactId: 'K-1', at: 0, channel: 'phone', agentId: 'ana' };
 * ```
 */
export interface ContactSurveyOfferedEffect extends ContactEffectBase<'survey.offered'> {
  readonly channel: Channel;
  readonly agentId: string;
}
/**
 * Wrap-up left a follow-up task: the contact did not resolve the issue.
 *
 * @example
 * ```ts
 * import type { ContactFollowUpCreatedEffect } from 'serviceflow';
 * const effect: ContactFollowUpCreatedEffect = { type: 'followUp.created', contactId: 'K-1', at: 0, reason: 'unresolved', disposition: 'needs-engineering' };
 * ```
 */
export interface ContactFollowUpCreatedEffect extends ContactEffectBase<'followUp.created'> {
  readonly reason: 'unresolved';
  readonly disposition: string;
}
/**
 * The contact completed: handled by an agent through wrap-up, or resolved by self-service. Forward
 * it to the inquiry (see `contactCompletedEvent`) so the inquiry knows its contacts across channels.
 *
 * @example
 * ```ts
 * import type { ContactCompletedEffect } from 'serviceflow';
 * const effect: ContactCompletedEffect = { type: 'contact.completed', contactId: 'K-1', inquiryId: 'T-1', at: 0, channel: 'phone', handleMs: 420_000, resolved: true, outcome: 'handled' };
 * ```
 */
export interface ContactCompletedEffect extends ContactEffectBase<'contact.completed'> {
  readonly channel: Channel;
  /** Talk + hold + wrap-up, in ms (0 for self-service). */
  readonly handleMs: number;
  readonly resolved: boolean;
  readonly outcome: Exclude<ContactOutcome, 'abandoned'>;
  readonly disposition?: string;
}
/**
 * The customer left before an agent connected.
 *
 * @example
 * ```ts
 * import type { ContactAbandonedEffect } from 'serviceflow';
 * const effect: ContactAbandonedEffect = { type: 'contact.abandoned', contactId: 'K-1', at: 0, channel: 'phone', queueMs: 120_000, during: 'queue' };
 * ```
 */
export interface ContactAbandonedEffect extends ContactEffectBase<'contact.abandoned'> {
  readonly channel: Channel;
  /** The queue wait before leaving (0 when never queued). */
  readonly queueMs: number;
  /** Where in pre-contact the customer left: `identification`, `selfService` or `queue`. */
  readonly during: string;
}

/**
 * Every effect the contact process produces.
 *
 * @example
 * ```ts
 * import type { ContactEffect } from 'serviceflow';
 * const describe = (effect: ContactEffect) => (effect.type === 'contact.transferred' ? `${effect.from} → ${effect.to}` : effect.type);
 * ```
 */
export type ContactEffect =
  | ContactStartedEffect
  | ContactStageChangedEffect
  | ContactIdentifiedEffect
  | ContactQueuedEffect
  | ContactConnectedEffect
  | ContactHeldEffect
  | ContactUnheldEffect
  | ContactTransferredEffect
  | ContactEndedEffect
  | ContactSurveyOfferedEffect
  | ContactFollowUpCreatedEffect
  | ContactCompletedEffect
  | ContactAbandonedEffect;

/**
 * The `type` of every contact effect.
 *
 * @example
 * ```ts
 * import type { ContactEffectType } from 'serviceflow';
 * const watched: ContactEffectType[] = ['contact.completed', 'contact.abandoned'];
 * ```
 */
export type ContactEffectType = ContactEffect['type'];
/**
 * The contact effect of a given type.
 *
 * @example
 * ```ts
 * import type { ContactEffectOf } from 'serviceflow';
 * const onTransfer = (effect: ContactEffectOf<'contact.transferred'>) => `${effect.from} → ${effect.to}`;
 * ```
 */
export type ContactEffectOf<T extends ContactEffectType> = Extract<ContactEffect, { type: T }>;
