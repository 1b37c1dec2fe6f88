/**
 * Properties of escalation and feedback over random policies and random lifecycles: whatever the
 * configuration and whatever happens, the escalation path and the follow-up keep their promises.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escalationPolicy,
  feedbackPolicy,
  slaPolicy,
  type EscalationPolicyConfig,
  type FeedbackPolicyConfig,
  type InquiryEffect,
  type InquiryEventInit,
  type InquiryInputInit,
} from 'serviceflow';
import * as arb from 'serviceflow/testing/arbitraries';
import { applyAccepted, makeProcess } from '../support/fixtures.js';

/** Short calendar-time targets, so that warnings and breaches (and their escalations) happen often. */
const sla = slaPolicy({
  targets: [
    { when: { priority: ['high', 'urgent'] }, firstResponse: '30m', nextResponse: '1h', resolution: '4h' },
    { firstResponse: '2h', nextResponse: '4h', resolution: '1d' },
  ],
  warnAt: [0.5, 0.9],
});

interface Run {
  readonly escalation: EscalationPolicyConfig;
  readonly feedback: FeedbackPolicyConfig;
  readonly life: { input: InquiryInputInit; events: InquiryEventInit[] };
}

const DAY = 86_400_000;

/**
 * A random lifecycle with a `resolve` slipped in at a random point, and half the time a tick a
 * month after the last event: random events alone rarely get an inquiry to follow-up (where the
 * survey, its reminders and negative feedback live) or let its deadlines run out.
 */
const lifecycleThroughFollowUp = fc
  .tuple(arb.lifecycle({ maxLength: 30, maxGapMs: 2 * DAY }), fc.nat(), fc.boolean())
  .map(([{ input, events }, pick, runOut]) => {
    const cut = events.length === 0 ? 0 : pick % events.length;
    const resolveAt = cut === 0 ? input.at : events[cut - 1]!.at;
    const withResolve: InquiryEventInit[] = [
      ...events.slice(0, cut),
      { type: 'resolve', at: resolveAt },
      ...events.slice(cut),
    ];
    const lastAt = Number(withResolve.at(-1)!.at);
    return {
      input,
      events: runOut ? [...withResolve, { type: 'tick', at: lastAt + 30 * DAY } as InquiryEventInit] : withResolve,
    };
  });

const runs: fc.Arbitrary<Run> = fc.record({
  escalation: arb.escalationPolicyConfig(),
  feedback: arb.feedbackPolicyConfig(),
  life: lifecycleThroughFollowUp,
});

function play({ escalation, feedback, life }: Run) {
  const path = escalationPolicy(escalation);
  const levels = path.levels;
  const process = makeProcess({ sla, escalation: path, feedback: feedbackPolicy(feedback) });
  const { steps } = applyAccepted(process, life.input, life.events);
  return { levels, process, steps };
}

/** Every effect of a lifecycle with the stage the inquiry was in when it happened. */
function effectsInStage(
  steps: ReturnType<typeof play>['steps'],
  firstStage: string,
): { effect: InquiryEffect; stage: string }[] {
  let stage = firstStage;
  const out: { effect: InquiryEffect; stage: string }[] = [];
  for (const step of steps) {
    for (const effect of step.effects) {
      out.push({ effect, stage });
      if (effect.type === 'stage.changed') stage = effect.to;
    }
  }
  return out;
}

const settings = { numRuns: 100 };

describe('escalation and feedback properties', () => {
  it('never takes the escalation level above the top nor lets it fall while the inquiry is open', () => {
    fc.assert(
      fc.property(runs, (run) => {
        const { levels, process, steps } = play(run);
        const top = levels.length - 1;
        let level = 0;
        for (const step of steps) {
          for (const effect of step.effects) {
            if (effect.type !== 'escalated') continue;
            expect(effect.from).toBe(level);
            expect(effect.level).toBeGreaterThanOrEqual(effect.from);
            expect(effect.level).toBeLessThanOrEqual(top);
            expect(effect.name).toBe(levels[effect.level]!.name);
            // an escalation that changes neither level nor team is not reported
            expect(effect.level > effect.from || effect.team !== undefined).toBe(true);
            level = effect.level;
          }
          const view = process.view(step.state);
          expect(view.escalation.level).toBe(level);
          expect(view.escalation.name).toBe(levels[level]!.name);
        }
      }),
      settings,
    );
  });

  it('reports survey effects only while the inquiry is in follow-up, never before a resolve', () => {
    fc.assert(
      fc.property(runs, (run) => {
        const { steps } = play(run);
        let resolvedAt: number | null = null;
        for (const { effect, stage } of effectsInStage(steps, 'inquiry')) {
          if (effect.type === 'stage.changed' && effect.to === 'followUp') resolvedAt = effect.at;
          if (
            effect.type === 'survey.requested' ||
            effect.type === 'survey.reminder' ||
            effect.type === 'survey.expired'
          ) {
            expect(stage).toBe('followUp');
            expect(resolvedAt).not.toBeNull();
            expect(effect.at).toBeGreaterThanOrEqual(resolvedAt!);
          }
        }
      }),
      settings,
    );
  });

  it('sends no reminder (nor request, nor expiry) after feedback answered the survey of the same follow-up', () => {
    fc.assert(
      fc.property(runs, (run) => {
        const { steps } = play(run);
        let answered = false;
        for (const { effect } of effectsInStage(steps, 'inquiry')) {
          if (effect.type === 'stage.changed' && effect.to === 'followUp') answered = false;
          if (effect.type === 'feedback.received') answered = true;
          if (answered) expect(['survey.requested', 'survey.reminder', 'survey.expired']).not.toContain(effect.type);
        }
      }),
      settings,
    );
  });

  it('gives the same effects and state from one late tick as from a tick at every wakeAt', () => {
    fc.assert(
      fc.property(runs, (run) => {
        const { process, steps } = play(run);
        const from = steps.at(-1)!;
        let step = from;
        const effects: InquiryEffect[] = [];
        for (let n = 0; step.wakeAt !== null && n < 200; n++) {
          step = process.send(step.state, { type: 'tick', at: step.wakeAt });
          effects.push(...step.effects);
        }
        if (step === from) return;
        const late = process.send(from.state, { type: 'tick', at: step.state.context.lastEventAt });
        expect(late.effects).toEqual(effects);
        expect(late.state).toEqual(step.state);
        expect(late.wakeAt).toBe(step.wakeAt);
      }),
      settings,
    );
  });

  it('closes only inquiries that were resolved; every other ending is a cancellation', () => {
    fc.assert(
      fc.property(runs, (run) => {
        const { process, steps } = play(run);
        for (const { effect, stage } of effectsInStage(steps, 'inquiry')) {
          if (effect.type === 'inquiry.closed') expect(stage).toBe('followUp');
          if (effect.type === 'stage.changed' && effect.to === 'closed') expect(effect.from).toBe('followUp');
        }
        const view = process.view(steps.at(-1)!.state);
        if (view.stage === 'closed') {
          expect(view.resolvedAt).toBeDefined();
          expect(view.closedAt).toBeGreaterThanOrEqual(view.resolvedAt!);
          expect(view.cancelledAt).toBeUndefined();
        }
        if (view.stage === 'cancelled') {
          expect(view.cancelledAt).toBeDefined();
          expect(view.closedAt).toBeUndefined();
        }
        if (view.closedAt !== undefined) expect(view.stage).toBe('closed');
      }),
      settings,
    );
  });
});
