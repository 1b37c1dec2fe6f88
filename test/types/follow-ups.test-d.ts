import { describe, expectTypeOf, it } from 'vitest';
import {
  computeMetrics,
  createProcess,
  createServiceDesk,
  feedbackPolicy,
  inquiryMachine,
  type FeedbackKind,
  type FollowUpRequestedEffect,
  type InquiryFacts,
  type InquiryInput,
  type InquiryView,
} from 'serviceflow';

describe('follow-ups, surveys by rule and customer KPIs, typed', () => {
  it('types the followUp.requested channel and its ready input', () => {
    const desk = createServiceDesk({
      process: createProcess(inquiryMachine),
      followUps: { id: (request) => `${request.inquiryId}/f` },
    });
    desk.on('followUp.requested', (request) => {
      expectTypeOf(request).toEqualTypeOf<FollowUpRequestedEffect>();
      expectTypeOf(request.input).toEqualTypeOf<InquiryInput>();
      expectTypeOf(request.by).toEqualTypeOf<'customer.reply' | 'reopen'>();
    });
    expectTypeOf<InquiryView['followUpOf']>().toEqualTypeOf<string | undefined>();
    createServiceDesk({
      process: createProcess(inquiryMachine),
      // @ts-expect-error an id function gets the request and returns a string
      followUps: { id: (request: FollowUpRequestedEffect) => request.at },
    });
  });

  it('types surveys by rule and the customer figures', () => {
    const policy = feedbackPolicy({ surveys: [{ when: { channel: 'chat' }, kind: 'ces' }, { kind: false }] });
    expectTypeOf(policy.surveyFor).toEqualTypeOf<((facts: InquiryFacts) => FeedbackKind | false) | undefined>();
    // @ts-expect-error not a survey kind
    feedbackPolicy({ surveys: [{ kind: 'stars' }] });
    const metrics = computeMetrics([], { repeatWindow: '30d' });
    expectTypeOf(metrics.repeatContactRate).toEqualTypeOf<number | null>();
    expectTypeOf(metrics.customers).toEqualTypeOf<number>();
  });
});
