/**
 * Quickstart: one support inquiry's whole life, on business hours, with its state stored as a
 * JSON row between every step (here a Map standing in for your database table).
 *
 * Run it: `npx tsx examples/quickstart.ts`
 */
import { pathToFileURL } from 'node:url';
import {
  businessCalendar,
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  inquiryMachine,
  slaPolicy,
  type InquiryEffect,
  type InquiryEventInit,
  type PersistedState,
} from 'serviceflow';

// The support team works Mon–Fri 09:00–17:00 in New York.
const calendar = businessCalendar({
  timezone: 'America/New_York',
  week: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '17:00']],
  },
  holidays: ['2026-12-25'],
});

export const process = createProcess(inquiryMachine, {
  sla: slaPolicy({
    calendar,
    targets: [
      { when: { priority: 'urgent' }, firstResponse: '1h', nextResponse: '2h', resolution: '8h' },
      { firstResponse: '4h', nextResponse: '8h', resolution: '3d' },
    ],
    warnAt: 0.75,
  }),
  escalation: escalationPolicy({
    levels: [
      { name: 'agent' },
      { name: 'specialist', team: 'tier-2' },
      { name: 'manager', notify: ['support-lead@example.com'] },
    ],
    rules: [
      { on: 'sla.breached', escalateTo: '+1' },
      { on: 'feedback.negative', escalateTo: 'manager' },
    ],
  }),
  feedback: feedbackPolicy({
    survey: 'csat',
    sendAfter: '1h',
    reminders: { count: 1, every: '1d' },
    reopenWindow: '5d',
  }),
});

/** Your table: one row per inquiry, the state as JSON. */
const table = new Map<string, string>();
const save = (id: string, state: PersistedState) => table.set(id, JSON.stringify(state));
const load = (id: string): PersistedState => JSON.parse(table.get(id) ?? 'null') as PersistedState;

const time = (iso: string) => new Date(iso).toISOString().slice(5, 16).replace('T', ' ');
const describe = (effect: InquiryEffect): string => {
  switch (effect.type) {
    case 'stage.changed':
      return `stage ${effect.from} → ${effect.to}`;
    case 'sla.started':
    case 'sla.resumed':
      return `${effect.type} ${effect.metric}, due ${effect.dueAt === null ? '—' : time(new Date(effect.dueAt).toISOString())}`;
    case 'sla.warning':
      return `sla.warning ${effect.metric} (${Math.round(effect.fraction * 100)} % of target used)`;
    case 'sla.breached':
    case 'sla.paused':
      return `${effect.type} ${effect.metric}`;
    case 'sla.met':
      return `sla.met ${effect.metric}${effect.late ? ' (late)' : ''}`;
    case 'escalated':
      return `escalated to ${effect.name} (${effect.reason})${effect.notify.length ? `, notify ${effect.notify.join(', ')}` : ''}`;
    case 'feedback.received':
      return `feedback ${effect.kind.toUpperCase()} ${effect.score} (${effect.sentiment})`;
    default:
      return effect.type;
  }
};

/** Walks one inquiry from arrival to close and returns what happened, one line per effect. */
export function runQuickstart(print: (line: string) => void = console.log): string[] {
  const lines: string[] = [];
  const out = (line: string) => {
    lines.push(line);
    print(line);
  };
  const report = (label: string, step: { effects: readonly InquiryEffect[]; wakeAt: number | null }) => {
    out(`▸ ${label}`);
    for (const effect of step.effects) out(`    ${time(new Date(effect.at).toISOString())}  ${describe(effect)}`);
    out(`    next wake-up: ${step.wakeAt === null ? 'none' : time(new Date(step.wakeAt).toISOString())}`);
  };

  // Friday afternoon, an email arrives.
  let step = process.start({
    id: 'T-1001',
    channel: 'email',
    customer: { id: 'C-42', tier: 'gold' },
    subject: 'Invoice charged twice',
    at: '2026-03-06T20:30:00Z', // Fri 15:30 in New York
  });
  save('T-1001', step.state);
  report('Fri 15:30 NY: email received', step);

  const events: [string, InquiryEventInit][] = [
    [
      'categorised as billing, urgent',
      { type: 'categorize', category: 'billing', priority: 'urgent', at: '2026-03-06T20:40:00Z' },
    ],
    ['assigned to Ana', { type: 'assign', agentId: 'ana', team: 'billing', at: '2026-03-06T20:45:00Z' }],
    ['Monday: the first reply is late', { type: 'agent.reply', agentId: 'ana', at: '2026-03-09T14:30:00Z' }],
    ['Ana asks for the card statement', { type: 'pend', reason: 'customer', at: '2026-03-09T14:31:00Z' }],
    ['the customer sends it', { type: 'customer.reply', at: '2026-03-09T16:00:00Z' }],
    ['Ana answers', { type: 'agent.reply', agentId: 'ana', at: '2026-03-09T16:45:00Z' }],
    [
      'refund issued, resolved',
      { type: 'resolve', resolution: 'refunded duplicate charge', at: '2026-03-09T17:00:00Z' },
    ],
    ['a scheduler ticks the next day', { type: 'tick', at: '2026-03-10T18:00:00Z' }],
    ['the customer rates 5/5', { type: 'feedback', kind: 'csat', score: 5, at: '2026-03-10T19:00:00Z' }],
    ['a scheduler ticks after the reopen window', { type: 'tick', at: '2026-03-15T00:00:00Z' }],
  ];
  for (const [label, event] of events) {
    step = process.send(load('T-1001'), event); // load the row, step, save the row
    save('T-1001', step.state);
    report(label, step);
  }

  const view = process.view(load('T-1001'));
  out(`▸ final view: stage ${view.stage}, escalation ${view.escalation.name}, reopened ${view.reopenCount}×`);
  for (const [metric, clock] of Object.entries(view.sla)) {
    out(
      `    ${metric.padEnd(14)} ${clock.status.padEnd(9)} ${Math.round(clock.elapsedMs / 60_000)} of ${clock.targetMs / 60_000} business minutes`,
    );
  }
  out(`    stored row: ${table.get('T-1001')?.length ?? 0} bytes of JSON`);
  return lines;
}

if (import.meta.url === pathToFileURL(globalThis.process.argv[1] ?? '').href) runQuickstart();
