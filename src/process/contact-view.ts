import { contactTimings, holdLength } from '../machines/contact-timing.js';
import type { ContactView } from '../machines/contact-read-model.js';
import type { ContactContext, ContactStage } from '../schemas/contact.js';
import type { StateValue } from '../schemas/state.js';
import type { ProcessDefinition } from './definition.js';

export type { ContactView };

const stageOf = (value: StateValue): { stage: ContactStage; status?: string } => {
  if (typeof value === 'string') return { stage: value as ContactStage };
  const [stage, inner] = Object.entries(value)[0] ?? ['preContact', undefined];
  return typeof inner === 'string' ? { stage: stage as ContactStage, status: inner } : { stage: stage as ContactStage };
};

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/**
 * Builds the read model of a contact from its machine value and context, read at `at` (default and
 * minimum: the last event's instant).
 *
 * @example
 * ```ts
 * import { contactView, contactMachine, createProcess } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * const { state } = contacts.start({ id: 'K-1', channel: 'sms', direction: 'outbound', customer: { id: 'C-1' }, at: 0 });
 * contactView(state.value, state.context, { at: undefined, wakeAt: null }).direction; // 'outbound'
 * ```
 */
export function contactView(
  value: StateValue,
  ctx: ContactContext,
  options: { readonly at: number | undefined; readonly wakeAt: number | null },
): ContactView {
  const at = Math.max(options.at ?? ctx.lastEventAt, ctx.lastEventAt);
  const { stage, status } = stageOf(value);
  const timings = contactTimings(ctx, at);
  const holdEnd = ctx.endedAt ?? at;
  const identification = ctx.identification;
  return {
    id: ctx.id,
    ...optional('inquiryId', ctx.inquiryId),
    channel: ctx.channel,
    direction: ctx.direction,
    stage,
    ...optional('status', status),
    customer: {
      id: identification?.customerId ?? ctx.customer.id,
      identified: identification !== null,
      startedAs: ctx.customer.id,
      ...optional('tier', ctx.customer.tier),
      ...optional('name', ctx.customer.name),
      ...optional('profile', identification?.profile),
    },
    ...optional('queue', ctx.routing.at(-1)?.queue),
    routing: ctx.routing,
    ...optional('agentId', ctx.agents.at(-1)?.agentId),
    agents: ctx.agents.map((agent) => agent.agentId),
    transfers: ctx.transfers,
    holds: ctx.holds.map((hold) => ({
      startedAt: hold.startedAt,
      ...optional('endedAt', hold.endedAt),
      durationMs: holdLength(hold, holdEnd),
    })),
    ...optional('outcome', ctx.outcome),
    ...optional('disposition', ctx.disposition),
    ...optional('resolved', ctx.resolved),
    ...optional('surveyOfferedAt', ctx.surveyOfferedAt),
    ...optional('followUpTask', ctx.followUpTask),
    ...timings,
    startedAt: ctx.startedAt,
    ...optional('identifiedAt', identification?.at),
    ...optional('queuedAt', ctx.routing[0]?.at),
    ...optional('connectedAt', ctx.connectedAt),
    ...optional('endedAt', ctx.endedAt),
    ...optional('completedAt', ctx.completedAt),
    ...optional('abandonedAt', ctx.abandonedAt),
    lastEventAt: ctx.lastEventAt,
    wakeAt: options.wakeAt,
  };
}

/**
 * How a process reads a contact's state: the {@link ContactView}, and no deadlines.
 *
 * The built-in registry in `definition-registry.ts` names it statically (no module side effect).
 *
 * @example
 * ```ts
 * import { contactDefinition, contactMachine, createProcess } from 'serviceflow';
 * // the default for contactMachine; passing it is only needed for a custom machine with a contact context
 * const contacts = createProcess(contactMachine, { definition: contactDefinition });
 * ```
 */
export const contactDefinition: ProcessDefinition<ContactContext, ContactView> = {
  view: (value, context, { at, wakeAt }) => contactView(value, context, { at, wakeAt }),
  nextDeadline: () => null,
};
