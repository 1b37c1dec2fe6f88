import {
  createProcess,
  inquiryMachine,
  type InquiryEventInit,
  type InquiryInputInit,
  type ProcessOptions,
  type ServiceProcess,
} from 'serviceflow';
import { applyEvents } from 'serviceflow/testing';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Monday 2026-03-02 09:00 UTC. */
export const T0 = Date.parse('2026-03-02T09:00:00Z');

export type InquiryProcess = ServiceProcess<typeof inquiryMachine>;

export function makeProcess(options: ProcessOptions = {}): InquiryProcess {
  return createProcess(inquiryMachine, options);
}

export function makeInput(overrides: Partial<InquiryInputInit> = {}): InquiryInputInit {
  return { id: 'T-1', channel: 'email', customer: { id: 'C-1', tier: 'gold' }, at: T0, ...overrides };
}

/** Runs events through a process, returning every step; stops at the first error (rethrown). */
export function runAll(process: InquiryProcess, input: InquiryInputInit, events: readonly InquiryEventInit[]) {
  const steps = [process.start(input)];
  for (const event of events) steps.push(process.send(steps[steps.length - 1]!.state, event));
  return steps;
}

/** The last step of running events through a process. */
export function runTo(process: InquiryProcess, input: InquiryInputInit, events: readonly InquiryEventInit[]) {
  return runAll(process, input, events).at(-1)!;
}

/** Applies only the events the process accepts (skipping rejected ones); returns steps and accepted events. */
export function applyAccepted(process: InquiryProcess, input: InquiryInputInit, events: readonly InquiryEventInit[]) {
  const { steps, accepted } = applyEvents(process, input, events);
  return { steps, accepted };
}

export const effectTypes = (step: { effects: readonly { type: string }[] }) => step.effects.map((e) => e.type);
