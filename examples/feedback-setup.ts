/**
 * The follow-up of a support desk: a CSAT survey after each resolution with two reminders, a
 * reopen window, and service recovery on a bad score (the case reopens and climbs to a
 * specialist). The configuration is the one docs/feedback.md shows (test/examples-policies.test.ts
 * keeps the two in sync), and the scenario is that page's worked example.
 *
 * Run it: `npx tsx examples/feedback-setup.ts`
 */
import { pathToFileURL } from 'node:url';
import {
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  inquiryMachine,
  type InquiryEffect,
  type InquiryEventInit,
} from 'serviceflow';

// After every resolution: a CSAT survey two hours later (time to check the fix), two reminders
// two days apart, no answers taken after a week. The customer can reopen by replying for 5 days.
export const feedback = feedbackPolicy({
  survey: 'csat',
  sendAfter: '2h',
  reminders: { count: 2, every: '2d' },
  expireAfter: '7d',
  reopenWindow: '5d',
  // autoCloseAfter defaults to the reopen window; an unanswered survey keeps the case open until it expires
  onNegative: ['reopen', 'escalate'], // service recovery: a 1 or 2 reopens the case, one level up
});

// Relationship NPS for the same desk: asked the day after, no reopening by reply after 3 days.
export const relationshipNps = feedbackPolicy({
  survey: 'nps',
  sendAfter: '1d',
  expireAfter: '14d',
  reopenWindow: '3d',
});

export const escalation = escalationPolicy({
  levels: [
    { name: 'agent' },
    { name: 'specialist', team: 'tier-2' },
    { name: 'manager', notify: ['support-managers@acme.example'] },
  ],
});

export const process = createProcess(inquiryMachine, { feedback, escalation });

const when = (at: number) => new Date(at).toISOString().slice(5, 16).replace('T', ' ');

/** One line per effect: when, what, and the fields feedback readers care about. */
export function describeEffect(effect: InquiryEffect): string {
  switch (effect.type) {
    case 'survey.requested':
      return `${when(effect.at)} survey.requested ${effect.kind}, expires ${when(effect.expiresAt)}`;
    case 'survey.reminder':
      return `${when(effect.at)} survey.reminder #${effect.reminder}`;
    case 'feedback.received':
      return `${when(effect.at)} feedback.received ${effect.kind} ${effect.score} (${effect.sentiment})`;
    case 'escalated':
      return `${when(effect.at)} escalated ${effect.from}→${effect.level} ${effect.name} (${effect.reason})`;
    case 'inquiry.reopened':
      return `${when(effect.at)} inquiry.reopened by ${effect.by} (#${effect.reopenCount})`;
    case 'inquiry.closed':
      return `${when(effect.at)} inquiry.closed (${effect.reason})`;
    case 'stage.changed':
      return `${when(effect.at)} stage.changed ${effect.from}→${effect.to}`;
    default:
      return `${when(effect.at)} ${effect.type}`;
  }
}

/**
 * The worked example of docs/feedback.md: a resolution the customer is unhappy with, a second
 * resolution that sticks, and the automatic close. Returns one line per effect, in order.
 */
export function runFeedbackScenario(print: (line: string) => void = console.log): string[] {
  const lines: string[] = [];
  const report = (step: { effects: readonly InquiryEffect[] }) => {
    for (const effect of step.effects) {
      const line = describeEffect(effect);
      lines.push(line);
      print(line);
    }
  };
  let step = process.start({
    id: 'T-3001',
    channel: 'web',
    customer: { id: 'C-9' },
    subject: 'Charged twice',
    at: '2026-03-02T09:00:00Z',
  });
  const events: InquiryEventInit[] = [
    { type: 'assign', agentId: 'ana', at: '2026-03-02T09:05:00Z' },
    { type: 'resolve', resolution: 'refund issued', at: '2026-03-02T10:00:00Z' },
    // the scheduler was down from Monday noon to Friday evening: one tick fires what passed
    { type: 'tick', at: '2026-03-06T18:00:00Z' },
    // after the reopen window (Sat 10:00), still inside the survey's week
    { type: 'feedback', kind: 'csat', score: 2, comment: 'still charged twice', at: '2026-03-08T09:30:00Z' },
    { type: 'agent.reply', agentId: 'ana', at: '2026-03-08T11:00:00Z' },
    { type: 'resolve', resolution: 'second charge reversed', at: '2026-03-09T10:00:00Z' },
    { type: 'feedback', kind: 'csat', score: 5, at: '2026-03-10T08:00:00Z' },
    { type: 'tick', at: '2026-03-20T00:00:00Z' },
  ];
  for (const event of events) {
    step = process.send(step.state, event);
    report(step);
  }
  const view = process.view(step.state);
  const summary = `final: ${view.stage} (${view.closeReason}), reopened ${view.reopenCount}×, level ${view.escalation.name}, scores ${view.feedback.responses.map((r) => r.score).join(', ')}`;
  lines.push(summary);
  print(summary);
  return lines;
}

if (import.meta.url === pathToFileURL(globalThis.process.argv[1] ?? '').href) runFeedbackScenario();
