import assert from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import { createProcess, escalationPolicy, inquiryMachine, parseInquiryInput, slaPolicy } from 'serviceflow';
import { trustedSender, trustedStarter } from '../../../src/engine/trusted.js';
import { makeInput, MINUTE, T0 } from '../../support/fixtures.js';

const process = createProcess(inquiryMachine, {
  sla: slaPolicy({ targets: [{ firstResponse: '1h', nextResponse: '2h', resolution: '8h' }] }),
  escalation: escalationPolicy({
    levels: [{ name: 'agent' }, { name: 'specialist' }],
    rules: [{ on: 'sla.breached', escalateTo: '+1' }],
  }),
});

describe('states of trusted callers (the simulator)', () => {
  it('are never the base of a state handed out: the next public step hands out an exact, frozen state', () => {
    let step = trustedStarter(process)(parseInquiryInput(makeInput()) as never);
    step = trustedSender(process)(step.state, { type: 'assign', agentId: 'ana', at: T0 + 5 * MINUTE });
    const next = process.send(step.state, { type: 'agent.reply', at: T0 + 20 * MINUTE });
    assert.deepStrictEqual(JSON.parse(JSON.stringify(next.state)), next.state);
    expect(Object.isFrozen(next.state.context.sla.clocks.resolution)).toBe(true);
    assert.deepStrictEqual(
      next.state,
      process.send(JSON.parse(JSON.stringify(step.state)) as typeof step.state, {
        type: 'agent.reply',
        at: T0 + 20 * MINUTE,
      }).state,
    );
  });
});
