/**
 * Linking contacts to inquiries: the contact process ends with a `contact.completed` effect, and
 * the inquiry process takes a `contact.completed` event. A host forwards one as the other.
 */
import type { ContactCompletedEffect } from '../schemas/contact-effects.js';
import type { InquiryEvent } from '../schemas/inquiry.js';

/**
 * The inquiry event that records a completed contact.
 *
 * @example
 * ```ts
 * import type { ContactCompletedInquiryEvent } from 'serviceflow';
 * const event: ContactCompletedInquiryEvent = { type: 'contact.completed', contactId: 'K-1', channel: 'chat', handleMs: 300_000, resolved: true, at: 0 };
 * ```
 */
export type ContactCompletedInquiryEvent = Extract<InquiryEvent, { type: 'contact.completed' }>;

/**
 * The inquiry event for a contact's `contact.completed` effect: the contact's id, channel,
 * handle time and whether it resolved the issue, at the instant the contact completed. Send it
 * to the inquiry named by the effect's `inquiryId` (an unlinked contact has none).
 *
 * @example
 * ```ts
 * import { contactCompletedEvent, contactMachine, createProcess, inquiryMachine } from 'serviceflow';
 * const inquiries = createProcess(inquiryMachine);
 * const contacts = createProcess(contactMachine);
 * let inquiry = inquiries.start({ id: 'T-1', channel: 'phone', customer: { id: 'C-1' }, at: 0 });
 * let contact = contacts.start({ id: 'K-1', inquiryId: 'T-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: 0 });
 * contact = contacts.send(contact.state, { type: 'self-service.resolved', at: 60_000 });
 * for (const effect of contact.effects) {
 *   if (effect.type === 'contact.completed' && effect.inquiryId === 'T-1') {
 *     inquiry = inquiries.send(inquiry.state, contactCompletedEvent(effect));
 *   }
 * }
 * inquiries.view(inquiry.state).contacts.length; // 1
 * ```
 */
export function contactCompletedEvent(effect: ContactCompletedEffect): ContactCompletedInquiryEvent {
  return {
    type: 'contact.completed',
    contactId: effect.contactId,
    channel: effect.channel,
    handleMs: effect.handleMs,
    resolved: effect.resolved,
    at: effect.at,
  };
}
