/**
 * `serviceflow/testing/arbitraries`: fast-check arbitraries for inquiry inputs, event sequences
 * with non-decreasing `at`, whole lifecycles, traces, calendars and SLA / escalation / feedback
 * policy configurations, and for contacts. The library's own property tests use them; so can
 * yours.
 *
 * This entry loads `fast-check`, an optional peer dependency: install it next to serviceflow
 * (`npm install --save-dev fast-check`), so that the arbitraries come from the same fast-check as
 * your `fc.assert`. `serviceflow/testing` does not need it.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { applyEvents, checkInvariants } from 'serviceflow/testing';
 * import * as arbitraries from 'serviceflow/testing/arbitraries';
 * const process = createProcess(inquiryMachine);
 * fc.assert(fc.property(arbitraries.lifecycle(), ({ input, events }) => {
 *   checkInvariants(applyEvents(process, input, events), { process });
 * }));
 * ```
 *
 * @module serviceflow/testing/arbitraries
 */
export {
  DEFAULT_EPOCH,
  inquiryInput,
  inquiryEventBody,
  eventSequence,
  lifecycle,
  trace,
  calendarConfig,
  slaPolicyConfig,
  escalationPolicyConfig,
  feedbackPolicyConfig,
  type InquiryInputOptions,
  type EventSequenceOptions,
  type InquiryEventBody,
} from './inquiry-arbitraries.js';
export {
  contactInput,
  contactEventBody,
  contactEventSequence,
  contactJourney,
  type ContactInputOptions,
  type ContactEventSequenceOptions,
  type ContactEventBody,
} from './contact-arbitraries.js';
