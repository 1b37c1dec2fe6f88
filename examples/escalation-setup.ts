/**
 * Escalation in a 3-tier support org: agents, tier-2 specialists, support managers, with a VIP
 * fast lane and billing questions routed to the billing team. The configuration is the one
 * docs/escalation.md shows (test/examples-policies.test.ts keeps the two in sync), and the scenario
 * is that page's worked example.
 *
 * Run it: `npx tsx examples/escalation-setup.ts`
 */
import { pathToFileURL } from 'node:url';
import {
  createProcess,
  escalationPolicy,
  inquiryMachine,
  slaPolicy,
  type InquiryEffect,
  type InquiryEventInit,
} from 'serviceflow';

export const escalation = escalationPolicy({
  levels: [
    { name: 'agent' },
    { name: 'specialist', team: 'tier-2', notify: ['tier2-leads@acme.example'] },
    { name: 'manager', notify: ['support-managers@acme.example', 'slack:#support-escalations'] },
  ],
  rules: [
    // VIP fast lane: VIP customers start with a specialist; VIP billing questions with a
    // specialist of the billing team.
    { on: 'received', when: { tier: 'vip', category: 'billing' }, escalateTo: 'specialist', routeTo: 'billing' },
    { on: 'received', when: { tier: 'vip' }, escalateTo: 'specialist' },
    // Functional escalation: billing and refund questions go to the billing team, same level.
    { on: 'received', when: { category: ['billing', 'refunds'] }, routeTo: 'billing' },
    // A VIP's first reply about to slip: the manager hears of it before the breach.
    { on: 'sla.warning', metric: 'firstResponse', when: { tier: 'vip' }, escalateTo: 'manager' },
    // A broken resolution promise is a manager's problem; any other breach climbs one level.
    { on: 'sla.breached', metric: 'resolution', escalateTo: 'manager' },
    { on: 'sla.breached', escalateTo: '+1' },
    // Service recovery: an unhappy customer goes to a manager.
    { on: 'feedback.negative', escalateTo: 'manager' },
    // Reopened a second time: the fix is not sticking; one level up, and again at every reopen after.
    { on: 'reopened', count: 2, escalateTo: '+1' },
  ],
});

// Calendar time (24×7) keeps the arithmetic visible; see docs/sla.md for business hours.
export const sla = slaPolicy({
  targets: [
    { when: { tier: 'vip' }, firstResponse: '30m', resolution: '4h' },
    { when: { priority: 'urgent' }, firstResponse: '1h', resolution: '8h' },
    { firstResponse: '4h', resolution: '2d' },
  ],
  warnAt: 0.75,
});

export const process = createProcess(inquiryMachine, { sla, escalation });

const hhmm = (at: number) => new Date(at).toISOString().slice(5, 16).replace('T', ' ');

/** One line per effect: when, what, and the fields escalation readers care about. */
export function describeEffect(effect: InquiryEffect): string {
  switch (effect.type) {
    case 'escalated': {
      const route = effect.team === undefined ? '' : `, team ${effect.team}`;
      const notify = effect.notify.length === 0 ? '' : `, notify ${effect.notify.join(' ')}`;
      return `${hhmm(effect.at)} escalated ${effect.from}→${effect.level} ${effect.name} (${effect.reason})${route}${notify}`;
    }
    case 'stage.changed':
      return `${hhmm(effect.at)} stage.changed ${effect.from}→${effect.to}`;
    case 'sla.started':
    case 'sla.warning':
    case 'sla.breached':
      return `${hhmm(effect.at)} ${effect.type} ${effect.metric}`;
    case 'sla.met':
      return `${hhmm(effect.at)} sla.met ${effect.metric}${effect.late ? ' (late)' : ''}`;
    case 'feedback.received':
      return `${hhmm(effect.at)} feedback.received ${effect.kind} ${effect.score} (${effect.sentiment})`;
    default:
      return `${hhmm(effect.at)} ${effect.type}`;
  }
}

/**
 * The worked example of docs/escalation.md: a VIP customer's billing question, a late
 * resolution, a disappointed customer. Returns one line per effect, in order.
 */
export function runEscalationScenario(print: (line: string) => void = console.log): string[] {
  const lines: string[] = [];
  const report = (step: { effects: readonly InquiryEffect[] }) => {
    for (const effect of step.effects) {
      const line = describeEffect(effect);
      lines.push(line);
      print(line);
    }
  };
  let step = process.start({
    id: 'T-2001',
    channel: 'email',
    customer: { id: 'C-7', tier: 'vip' },
    category: 'billing',
    subject: 'Charged twice for March',
    at: '2026-03-02T09:00:00Z',
  });
  report(step);
  const events: InquiryEventInit[] = [
    { type: 'assign', agentId: 'bea', at: '2026-03-02T09:10:00Z' },
    { type: 'agent.reply', agentId: 'bea', at: '2026-03-02T09:20:00Z' },
    // the scheduler that should have woken the inquiry at 12:00 and 13:00 was down until 13:30
    { type: 'tick', at: '2026-03-02T13:30:00Z' },
    { type: 'resolve', resolution: 'duplicate charge refunded', at: '2026-03-02T14:00:00Z' },
    { type: 'feedback', kind: 'csat', score: 2, comment: 'took all day', at: '2026-03-03T10:00:00Z' },
  ];
  for (const event of events) {
    step = process.send(step.state, event);
    report(step);
  }
  const view = process.view(step.state);
  const summary = `final: ${view.stage}, level ${view.escalation.level} (${view.escalation.name}), assignee ${JSON.stringify(view.assignee)}, ${view.escalation.history.length} escalations`;
  lines.push(summary);
  print(summary);
  return lines;
}

if (import.meta.url === pathToFileURL(globalThis.process.argv[1] ?? '').href) runEscalationScenario();
