/**
 * Omnichannel: one inquiry worked through two contacts — a chat that could not solve it, then an
 * outbound phone call that did — and a second inquiry solved by a single call. The host runs two
 * processes (inquiries and contacts), keeps their states as JSON rows, and forwards each contact's
 * `contact.completed` effect to its inquiry with the process API. First-contact resolution and
 * average handle time come out of `computeMetrics`.
 *
 * Run it: `npx tsx examples/omnichannel.ts`
 */
import { pathToFileURL } from 'node:url';
import {
  computeMetrics,
  contactCompletedEvent,
  contactMachine,
  createProcess,
  inquiryMachine,
  slaPolicy,
  type ContactEffect,
  type ContactEventInit,
  type ContactInputInit,
  type ContactView,
  type InquiryEventInit,
  type InquiryInputInit,
  type InquiryView,
  type PersistedState,
  type ServiceMetrics,
} from 'serviceflow';

export const inquiries = createProcess(inquiryMachine, {
  sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '1d' }] }),
});
export const contacts = createProcess(contactMachine);

type InquiryState = ReturnType<typeof inquiries.start>['state'];
type ContactState = ReturnType<typeof contacts.start>['state'];

/** Your tables: one JSON row per inquiry and per contact. */
const inquiryRows = new Map<string, string>();
const contactRows = new Map<string, string>();
const row = <S>(rows: Map<string, string>, id: string): S => JSON.parse(rows.get(id) ?? 'null') as S;
const store = (rows: Map<string, string>, id: string, state: PersistedState<unknown>) =>
  rows.set(id, JSON.stringify(state));

const clock = (at: number) => new Date(at).toISOString().slice(11, 16);
const at = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`);

/** The host's side of an inquiry. */
function openInquiry(input: InquiryInputInit): void {
  store(inquiryRows, input.id, inquiries.start(input).state);
}
function sendInquiry(id: string, event: InquiryEventInit): void {
  store(inquiryRows, id, inquiries.send(row<InquiryState>(inquiryRows, id), event).state);
}

/**
 * The link: the host logs a contact's effects and forwards two of them to the contact's inquiry —
 * `contact.connected` as the agent's reply, and `contact.completed` as a `contact.completed` event.
 */
function deliver(effects: readonly ContactEffect[], log: (line: string) => void): void {
  for (const effect of effects) {
    if (effect.type === 'contact.completed') {
      log(
        `    ${clock(effect.at)}  ${effect.contactId} completed (${effect.outcome}, ${effect.resolved ? 'resolved' : 'not resolved'}, handle ${effect.handleMs / 60_000} min)`,
      );
      if (effect.inquiryId !== undefined) {
        sendInquiry(effect.inquiryId, contactCompletedEvent(effect));
        log(`    ${clock(effect.at)}  → forwarded to inquiry ${effect.inquiryId}`);
      }
    } else if (effect.type === 'contact.connected') {
      log(
        `    ${clock(effect.at)}  ${effect.contactId} connected to ${effect.agentId} after ${effect.queueMs / 60_000} min in queue`,
      );
      // A live conversation answers the customer: the inquiry's first (or next) response.
      if (effect.inquiryId !== undefined)
        sendInquiry(effect.inquiryId, { type: 'agent.reply', agentId: effect.agentId, at: effect.at });
    } else if (effect.type === 'contact.transferred') {
      log(`    ${clock(effect.at)}  ${effect.contactId} transferred ${effect.from} → ${effect.to}`);
    } else if (effect.type === 'followUp.created') {
      log(`    ${clock(effect.at)}  ${effect.contactId} follow-up task (${effect.disposition})`);
    } else if (effect.type === 'stage.changed') {
      log(`    ${clock(effect.at)}  ${effect.contactId} ${effect.from} → ${effect.to}`);
    }
  }
}

/** The host's side of a contact: start it, then apply each event, forwarding what completes. */
function runContact(input: ContactInputInit, events: readonly ContactEventInit[], log: (line: string) => void): void {
  const started = contacts.start(input);
  store(contactRows, input.id, started.state);
  deliver(started.effects, log);
  for (const event of events) {
    const step = contacts.send(row<ContactState>(contactRows, input.id), event);
    store(contactRows, input.id, step.state);
    deliver(step.effects, log);
  }
}

/** What the example produces: the log, the final views and the KPIs. */
export interface OmnichannelResult {
  readonly lines: readonly string[];
  readonly inquiries: readonly InquiryView[];
  readonly contacts: readonly ContactView[];
  readonly metrics: ServiceMetrics;
}

/** Runs the example; `print` receives each line (default: `console.log`). */
export function runOmnichannel(print: (line: string) => void = console.log): OmnichannelResult {
  inquiryRows.clear();
  contactRows.clear();
  const lines: string[] = [];
  const log = (line: string) => {
    lines.push(line);
    print(line);
  };
  const customer = { id: 'C-42', tier: 'gold' };

  log('▸ T-100: a chat that cannot solve it, then a callback that does');
  openInquiry({ id: 'T-100', channel: 'chat', customer, category: 'billing', at: at('09:00') });
  runContact(
    { id: 'K-1', inquiryId: 'T-100', channel: 'chat', direction: 'inbound', customer, at: at('09:00') },
    [
      { type: 'customer.identified', customerId: 'C-42', profile: { openInquiries: 1 }, at: at('09:00') },
      { type: 'routed', queue: 'billing-chat', at: at('09:01') },
      { type: 'agent.connected', agentId: 'ana', at: at('09:03') },
      { type: 'contact.ended', at: at('09:15') },
      { type: 'wrapup.completed', disposition: 'needs-billing-specialist', resolved: false, at: at('09:18') },
    ],
    log,
  );
  sendInquiry('T-100', { type: 'assign', team: 'billing', at: at('09:18') });
  runContact(
    { id: 'K-2', inquiryId: 'T-100', channel: 'phone', direction: 'outbound', customer, at: at('14:00') },
    [
      { type: 'agent.connected', agentId: 'ben', at: at('14:01') },
      { type: 'hold', at: at('14:05') },
      { type: 'unhold', at: at('14:08') },
      { type: 'transfer', to: 'chen', at: at('14:10') },
      { type: 'contact.ended', at: at('14:20') },
      { type: 'wrapup.completed', disposition: 'refund-issued', resolved: true, at: at('14:24') },
    ],
    log,
  );
  sendInquiry('T-100', { type: 'resolve', resolution: 'refund issued', at: at('14:24') });

  log('▸ T-101: one call, solved on the spot');
  openInquiry({ id: 'T-101', channel: 'phone', customer: { id: 'C-7' }, at: at('10:00') });
  runContact(
    { id: 'K-3', inquiryId: 'T-101', channel: 'phone', direction: 'inbound', customer: { id: 'C-7' }, at: at('10:00') },
    [
      { type: 'routed', queue: 'general', at: at('10:00') },
      { type: 'agent.connected', agentId: 'dara', at: at('10:02') },
      { type: 'contact.ended', at: at('10:10') },
      { type: 'wrapup.completed', disposition: 'answered', resolved: true, at: at('10:12') },
    ],
    log,
  );
  sendInquiry('T-101', { type: 'resolve', at: at('10:12') });

  const inquiryViews = ['T-100', 'T-101'].map((id) => inquiries.view(row<InquiryState>(inquiryRows, id)));
  const contactViews = ['K-1', 'K-2', 'K-3'].map((id) => contacts.view(row<ContactState>(contactRows, id)));
  for (const view of inquiryViews) {
    const firstContact = view.contacts.length === 1 && view.contacts[0]?.resolved === true;
    log(
      `▸ ${view.id}: ${view.stage}, contacts ${view.contacts.map((c) => `${c.contactId}/${c.channel}`).join(' + ')}, first-contact resolution: ${firstContact ? 'yes' : 'no'}`,
    );
  }
  for (const view of contactViews) {
    log(
      `▸ ${view.id}: queue ${view.queueMs / 60_000} min, talk ${view.talkMs / 60_000} min, hold ${view.holdMs / 60_000} min, wrap-up ${view.wrapUpMs / 60_000} min, handle ${view.handleMs / 60_000} min`,
    );
  }
  const metrics = computeMetrics(inquiryViews, { contacts: contactViews });
  log(
    `▸ first-contact resolution rate ${metrics.firstContactResolutionRate}, average handle time ${(metrics.averageHandleTime.mean ?? 0) / 60_000} min`,
  );
  return { lines, inquiries: inquiryViews, contacts: contactViews, metrics };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runOmnichannel();
