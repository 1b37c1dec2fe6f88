import { describe, expect, it } from 'vitest';
import { incidentMachine, incidentProcess, runIncident } from '../../examples/incident-process.js';
import { createProcess } from 'serviceflow';

const at = (iso: string) => Date.parse(iso);

describe('the incident example (examples/incident-process.ts)', () => {
  it('pages up the on-call chain when the acknowledgement is late', () => {
    const lines: string[] = [];
    const view = runIncident((line) => lines.push(line));
    expect(view.escalation.history.map((h) => [h.name, h.trigger, h.reason])).toEqual([
      ['secondary on-call', 'sla.warning', 'sla.warning:firstResponse'],
      ['incident commander', 'sla.breached', 'sla.breached:firstResponse'],
      // The first review round took 5 h of a 4 h target.
      ['engineering director', 'sla.breached', 'sla.breached:qualityReview'],
    ]);
    expect(view.stage).toBe('closed');
  });

  it('times each quality review round with a clock on its own stage and events', () => {
    const view = runIncident(() => {});
    expect(view.slaHistory.filter((clock) => clock.metric === 'qualityReview')).toMatchObject([
      { status: 'breached', elapsedMs: 5 * 3_600_000, targetMs: 4 * 3_600_000 },
    ]);
    expect(view.sla.qualityReview).toMatchObject({ status: 'met', elapsedMs: 3_600_000 });
  });

  it('pages the incident commander at once for an urgent incident', () => {
    const step = incidentProcess.start({
      id: 'INC-1',
      channel: 'phone',
      customer: { id: 'ACME' },
      priority: 'urgent',
      at: 0,
    });
    expect(step.effects).toContainEqual(
      expect.objectContaining({
        type: 'escalated',
        name: 'incident commander',
        notify: ['pager:ic', 'slack:#incidents'],
      }),
    );
  });

  it('starts the follow-up only when the quality review passes, and schedules nothing while in review', () => {
    let step = incidentProcess.start({
      id: 'INC-2',
      channel: 'email',
      customer: { id: 'ACME' },
      at: at('2026-05-02T02:00:00Z'),
    });
    step = incidentProcess.send(step.state, {
      type: 'page.acknowledged',
      responder: 'sam',
      at: at('2026-05-02T02:10:00Z'),
    });
    step = incidentProcess.send(step.state, { type: 'mitigate', summary: 'restarted', at: at('2026-05-02T03:00:00Z') });
    expect(incidentProcess.view(step.state).stage).toBe('qualityReview');
    // Only the review's own clock is due: its warning at half of the 1-day target.
    expect(step.wakeAt).toBe(at('2026-05-02T15:00:00Z'));
    expect(incidentProcess.view(step.state).feedback.survey).toBeUndefined();
    step = incidentProcess.send(step.state, {
      type: 'review.approved',
      reviewer: 'noor',
      at: at('2026-05-03T10:00:00Z'),
    });
    expect(step.wakeAt).toBe(at('2026-05-04T10:00:00Z')); // the survey, one day after the review passed
    expect(incidentProcess.view(step.state).reopenUntil).toBe(at('2026-05-06T10:00:00Z'));
  });

  it('reopens on a rejected review and resumes the resolution clock', () => {
    let step = incidentProcess.start({
      id: 'INC-3',
      channel: 'email',
      customer: { id: 'ACME' },
      priority: 'high',
      at: 0,
    });
    step = incidentProcess.send(step.state, { type: 'page.acknowledged', responder: 'sam', at: 60_000 });
    step = incidentProcess.send(step.state, { type: 'mitigate', summary: 'x', at: 3_600_000 });
    step = incidentProcess.send(step.state, {
      type: 'review.rejected',
      reviewer: 'noor',
      reason: 'no root cause',
      at: 7_200_000,
    });
    const view = incidentProcess.view(step.state);
    expect(view).toMatchObject({ stage: 'investigating', reopenCount: 1 });
    expect(view.sla.resolution).toMatchObject({ status: 'running', elapsedMs: 3_600_000 });
    expect(step.state.context.reviewRounds).toBe(1);
  });

  it('behaves the same through XState’s interpreter', () => {
    const slow = createProcess(incidentMachine, { ...incidentProcess.policies, fastPath: false });
    const replay = (process: typeof incidentProcess) => {
      let step = process.start({ id: 'INC-4', channel: 'chat', customer: { id: 'ACME' }, priority: 'urgent', at: 0 });
      const out = [JSON.stringify(step)];
      for (const event of [
        { type: 'tick', at: 20 * 60_000 },
        { type: 'page.acknowledged', responder: 'a', at: 21 * 60_000 },
        { type: 'mitigate', summary: 's', at: 5 * 3_600_000 },
        { type: 'review.approved', reviewer: 'r', at: 6 * 3_600_000 },
        { type: 'feedback', kind: 'csat', score: 1, at: 7 * 3_600_000 },
      ] as const) {
        step = process.send(step.state, event);
        out.push(JSON.stringify(step));
      }
      return out;
    };
    expect(replay(incidentProcess)).toEqual(replay(slow));
  });
});
