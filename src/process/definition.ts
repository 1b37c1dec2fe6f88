/**
 * How a process reads a machine's state: its read model (`view`) and its next deadline
 * (`wakeAt`). Machines say which reading applies through `meta.serviceflow` on their root; a
 * process can also be given one explicitly.
 */
import type { ServicePolicies } from '../policies/service-policies.js';
import { nextDeadline } from '../machines/steps.js';
import { asksForFollowUp, followUpRequest } from '../machines/follow-up-request.js';
import type { InquiryContext, StateValue } from '../schemas/state.js';
import { inquiryView, type InquiryView } from './view.js';

/**
 * What a process needs to read a machine's state: its view and its next deadline. The built-in
 * machines bring theirs (named by `meta.serviceflow` on the machine's root); a machine with a
 * reading of its own passes it as `createProcess(machine, { definition })`.
 */
export interface ProcessDefinition<TContext = never, TView = unknown> {
  /** The read model of a state; `at` is the instant at which running clocks are read. */
  view(
    value: StateValue,
    context: TContext,
    options: { readonly at: number | undefined; readonly wakeAt: number | null; readonly policies: ServicePolicies },
  ): TView;
  /** The earliest instant at which a `tick` would change this context, or `null`. */
  nextDeadline(context: TContext): number | null;
  /**
   * The event that fires the deadlines due by `at` (the earliest being `due`) before another
   * event. Default: `{ type: 'tick', at }`.
   */
  wake?(due: number, at: number): { readonly type: string; readonly at: number };
  /**
   * What an event sent to an ended instance (a final state) asks for instead of being refused: an
   * effect to report with the state unchanged, or `null` to refuse it with `EVENT_NOT_ALLOWED`.
   * Service machines answer a `customer.reply` or `reopen` with `followUp.requested`.
   */
  afterEnd?(context: TContext, event: { readonly type: string; readonly at: number }): unknown;
}

/** The reading of service machines: the inquiry machine and custom machines built on its blocks. */
export const serviceDefinition: ProcessDefinition<InquiryContext, InquiryView> = {
  view: (value, context, { at, wakeAt, policies }) => inquiryView(value, context, { sla: policies.sla, at, wakeAt }),
  nextDeadline,
  // Straight to the internal deadline event: a tick would only raise it.
  wake: (due, until) => ({ type: 'deadline', at: due, until }) as { type: 'deadline'; at: number; until: number },
  afterEnd: (context, event) => (asksForFollowUp(event) ? followUpRequest(context, event) : null),
};
