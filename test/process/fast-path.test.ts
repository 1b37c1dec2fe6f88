import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  inquiryMachine,
  ServiceFlowError,
  slaPolicy,
  type ProcessOptions,
} from 'serviceflow';
import * as arb from 'serviceflow/testing/arbitraries';

const policies = fc.record({
  sla: arb.slaPolicyConfig(),
  escalation: arb.escalationPolicyConfig(),
  feedback: arb.feedbackPolicyConfig(),
});

type Outcome = string;
function outcomes(
  options: ProcessOptions,
  input: Parameters<ReturnType<typeof createProcess<typeof inquiryMachine>>['start']>[0],
  events: readonly unknown[],
): Outcome[] {
  const process = createProcess(inquiryMachine, options);
  let step = process.start(input);
  const log: Outcome[] = [JSON.stringify(step)];
  for (const event of events) {
    try {
      step = process.send(step.state, event as never);
      log.push(JSON.stringify(step));
    } catch (error) {
      if (!(error instanceof ServiceFlowError)) throw error;
      log.push(`${error.code}: ${error.message}`);
    }
  }
  return log;
}

describe('the fast path', () => {
  it('gives byte-identical results to XState’s interpreter on random lifecycles and policies', () => {
    fc.assert(
      fc.property(policies, arb.lifecycle({ maxLength: 30 }), (config, { input, events }) => {
        const options = {
          sla: slaPolicy(config.sla),
          escalation: escalationPolicy(config.escalation),
          feedback: feedbackPolicy(config.feedback),
        };
        expect(outcomes({ ...options, fastPath: true }, input, events)).toEqual(
          outcomes({ ...options, fastPath: false }, input, events),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('gives byte-identical results with the default policies', () => {
    fc.assert(
      fc.property(arb.lifecycle({ maxLength: 40 }), ({ input, events }) => {
        expect(outcomes({ fastPath: true }, input, events)).toEqual(outcomes({ fastPath: false }, input, events));
      }),
      { numRuns: 150 },
    );
  });

  it('leaves a machine with its own actions to XState, with the same results', () => {
    let seen = 0;
    const custom = inquiryMachine.provide({ actions: { acknowledge: () => void seen++ } });
    const process = createProcess(custom);
    const step = process.send(process.start({ id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: 0 }).state, {
      type: 'acknowledge',
      at: 5,
    });
    expect(step.state.value).toBe('inquiry');
  });
});
