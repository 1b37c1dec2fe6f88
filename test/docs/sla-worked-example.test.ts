import { describe, expect, it } from 'vitest';
import { process } from '../../docs/examples/sla-policy.js';

const effects = (step: { effects: readonly { type: string; at: number; metric?: string }[] }) =>
  step.effects.map((e) => `${new Date(e.at).toISOString()} ${e.type}${e.metric ? ` ${e.metric}` : ''}`);

describe('docs/sla.md worked example', () => {
  it('computes the timeline the table shows', () => {
    let step = process.start({ id: 'T-7', channel: 'email', customer: { id: 'C-1', tier: 'gold' }, at: '2026-03-06T20:30:00Z' });
    expect(process.view(step.state).sla.firstResponse?.dueAt).toBe(Date.parse('2026-03-09T15:30:00Z')); // Mon 11:30 EDT
    expect(process.view(step.state).sla.resolution?.dueAt).toBe(Date.parse('2026-03-16T19:30:00Z')); // Mon 16 Mar 15:30 EDT
    step = process.send(step.state, { type: 'assign', agentId: 'ana', at: '2026-03-06T20:45:00Z' });
    step = process.send(step.state, { type: 'agent.reply', at: '2026-03-09T14:45:00Z' });
    expect(effects(step)).toEqual([
      '2026-03-09T13:30:00.000Z sla.warning firstResponse',
      '2026-03-09T14:30:00.000Z sla.warning firstResponse',
      '2026-03-09T14:45:00.000Z sla.met firstResponse',
    ]);
    expect(process.view(step.state).sla.firstResponse?.elapsedMs).toBe(195 * 60_000);
    step = process.send(step.state, { type: 'pend', reason: 'customer', at: '2026-03-09T14:50:00Z' });
    expect(process.view(step.state).sla.resolution).toMatchObject({ status: 'paused', dueAt: null, elapsedMs: 200 * 60_000 });
    step = process.send(step.state, { type: 'customer.reply', at: '2026-03-09T17:00:00Z' });
    expect(process.view(step.state).sla.resolution?.dueAt).toBe(Date.parse('2026-03-17T13:40:00Z')); // Tue 17 Mar 09:40 EDT
    expect(process.view(step.state).sla.nextResponse?.dueAt).toBe(Date.parse('2026-03-10T17:00:00Z'));
    step = process.send(step.state, { type: 'agent.reply', at: '2026-03-09T18:00:00Z' });
    expect(process.view(step.state).sla.nextResponse).toMatchObject({ status: 'met', elapsedMs: 60 * 60_000 });
    step = process.send(step.state, { type: 'resolve', at: '2026-03-09T20:00:00Z' });
    expect(process.view(step.state).sla.resolution).toMatchObject({ status: 'met', elapsedMs: 380 * 60_000 });
  });
});
