import { describe, expect, it } from 'vitest';
import { escalationPolicy, feedbackPolicy, slaPolicy } from 'serviceflow';
import { scenario, ScenarioError } from 'serviceflow/testing';
import { makeProcess } from '../support/fixtures.js';

const process = makeProcess({
  sla: slaPolicy({ targets: [{ firstResponse: '1h', nextResponse: '2h', resolution: '8h' }] }),
  escalation: escalationPolicy({
    levels: [{ name: 'agent' }, { name: 'specialist' }],
    rules: [{ on: 'sla.breached', metric: 'firstResponse', escalateTo: '+1' }],
  }),
  feedback: feedbackPolicy({ survey: 'csat', sendAfter: '1h', onNegative: 'reopen' }),
});

function failure(run: () => unknown): ScenarioError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error('expected the scenario to fail');
}

describe('scenario', () => {
  it('plays a lifecycle on the virtual clock and returns the final view', () => {
    const result = scenario({ process })
      .receive({ priority: 'high' })
      .wait('2h')
      .tick()
      .expectEffect('sla.breached', { metric: 'firstResponse' })
      .expectEffect('escalated', { name: 'specialist' })
      .agentReply('ana')
      .expect((view) => view.sla.firstResponse?.status === 'breached' && view.sla.firstResponse.metAt !== undefined)
      .resolve()
      .wait('1h')
      .tick()
      .expectEffect('survey.requested')
      .rate('csat', 2)
      .expectEffect('inquiry.reopened', { by: 'feedback' })
      .expect((view) => view.stage === 'resolution' && view.feedback.responses[0]?.sentiment === 'negative')
      .run();
    expect(result.view.reopenCount).toBe(1);
    expect(result.at).toBe(Date.parse('2026-03-02T12:00:00Z'));
    expect(result.steps.map((s) => s.label)).toContain('wait 2h');
  });

  it('stamps late deadlines with their own instants', () => {
    scenario({ process })
      .receive()
      .wait('3h')
      .agentReply()
      .expectEffect('sla.breached', { metric: 'firstResponse', at: Date.parse('2026-03-02T10:00:00Z') })
      .run();
  });

  it('reports the failing step with the event, its effects and the view', () => {
    const error = failure(() =>
      scenario({ process }).receive().wait('30m').agentReply().expectEffect('sla.breached').run(),
    );
    expect(error.step).toBe(4);
    expect(error.label).toBe('expectEffect sla.breached');
    expect(error.event).toMatchObject({ type: 'agent.reply', at: Date.parse('2026-03-02T09:30:00Z') });
    expect(error.effects.map((e) => e.type)).toContain('sla.met');
    expect(error.view?.stage).toBe('inquiry');
    expect(error.message).toMatch(/step 4 \(expectEffect sla\.breached\)/);
    expect(error.message).toMatch(/last event: .*agent\.reply/);
  });

  it('fails at an expectation that returns false or throws, naming it', () => {
    expect(
      failure(() =>
        scenario()
          .receive()
          .expect((v) => v.stage === 'closed', 'closed at once')
          .run(),
      ).message,
    ).toMatch(/step 2 \(expect closed at once\).*returned false/);
    const thrown = failure(() =>
      scenario()
        .receive()
        .expect((v) => {
          expect(v.priority).toBe('urgent');
        })
        .run(),
    );
    expect(thrown.message).toMatch(/expectation threw: .*urgent/);
  });

  it('fails at an event the process refuses, and checks expected refusals', () => {
    const refused = failure(() => scenario().receive().close().run());
    expect(refused.step).toBe(2);
    expect(refused.message).toMatch(/refused close: \[EVENT_NOT_ALLOWED\]/);
    scenario().receive().resolve().expectRejected({ type: 'pend', reason: 'customer' }, 'EVENT_NOT_ALLOWED').run();
    expect(failure(() => scenario().receive().expectRejected({ type: 'resolve' }).run()).message).toMatch(
      /accepted resolve/,
    );
  });

  it('wakes at wakeAt and closes by itself after follow-up', () => {
    const result = scenario()
      .receive({ channel: 'chat' })
      .agentReply()
      .resolve()
      .wake()
      .expectEffect('survey.requested')
      .wait('30d')
      .tick()
      .run();
    expect(result.view.stage).toBe('closed');
    expect(result.allEffects.some((e) => e.type === 'inquiry.closed')).toBe(true);
  });

  it('is immutable: a shared beginning serves several scripts', () => {
    const base = scenario({ process }).receive().wait('30m');
    expect(base.agentReply().run().view.sla.firstResponse?.status).toBe('met');
    expect(base.wait('1h').tick().run().view.sla.firstResponse?.status).toBe('breached');
  });

  it('refuses a script without receive and a clock that goes back', () => {
    expect(failure(() => scenario().agentReply().run()).message).toMatch(/start the script with receive/);
    expect(failure(() => scenario().receive().at('2026-01-01T00:00:00Z').run()).message).toMatch(/cannot go back/);
  });
});
