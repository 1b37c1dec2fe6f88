/**
 * `npm run demo`: a month of a mid-size service desk, simulated in seconds.
 *
 * 20,000 inquiries over 30 days reach a desk in Berlin open Mon–Fri 08:00–20:00 and Saturday
 * 09:00–14:00. 25 agents work two shifts: 21 generalists (tier 1) and 4 technical specialists
 * (tier 2) whom escalations route work to. SLA targets by priority run on the desk's hours,
 * breaches and repeated reopens escalate, and a survey follows every resolution: CES after chats,
 * NPS for gold and VIP customers, CSAT for the rest. It ends with the staffing the desk's
 * first-response SLA needs hour by hour (`planStaffing`), next to the agents it had.
 */
import { pathToFileURL } from 'node:url';
import {
  businessCalendar,
  escalationPolicy,
  feedbackPolicy,
  slaPolicy,
  type BusinessCalendarConfigInput,
} from 'serviceflow';
import { planStaffing, type StaffingPlan } from 'serviceflow/planning';
import { kpiTable, simulate, type AgentGroup, type SimulationOptions } from 'serviceflow/testing';

const timezone = 'Europe/Berlin';
type Week = NonNullable<BusinessCalendarConfigInput['week']>;
const weekdays = (from: string, to: string): Week => ({
  mon: [[from, to]],
  tue: [[from, to]],
  wed: [[from, to]],
  thu: [[from, to]],
  fri: [[from, to]],
});

/** When the desk is open: the SLA clocks count only these hours. */
export const deskHours = businessCalendar({
  timezone,
  week: { ...weekdays('08:00', '20:00'), sat: [['09:00', '14:00']] },
  holidays: ['2026-04-03', '2026-04-06'],
});

const early: BusinessCalendarConfigInput = {
  timezone,
  week: { ...weekdays('08:00', '16:30'), sat: [['09:00', '14:00']] },
};
const late: BusinessCalendarConfigInput = { timezone, week: weekdays('11:30', '20:00') };

/** 25 agents on two shifts. */
export const agents: AgentGroup[] = [
  { team: 'tier-1', prefix: 'early', count: 12, capacity: 2, shift: early },
  { team: 'tier-1', prefix: 'late', count: 9, capacity: 2, shift: late },
  { team: 'tier-2', prefix: 'specialist-early', count: 2, capacity: 1, shift: early, skills: ['technical'] },
  { team: 'tier-2', prefix: 'specialist-late', count: 2, capacity: 1, shift: late, skills: ['technical'] },
];

/** The whole configuration of the demo desk. */
export function demoOptions(inquiries = 20_000): SimulationOptions {
  return {
    inquiries,
    days: 30,
    start: '2026-03-02T00:00:00+01:00',
    seed: 2026,
    arrivals: {
      timezone,
      channels: { email: 40, chat: 30, phone: 20, web: 8, social: 2 },
      priorities: { low: 15, normal: 60, high: 20, urgent: 5 },
      tiers: { standard: 70, gold: 25, vip: 5 },
      categories: { billing: 30, technical: 35, account: 20, shipping: 15 },
    },
    agents,
    work: { resolveRate: 0.68, escalateRate: 0.04, abandonAfter: '3d' },
    customers: { replyRate: 0.85, reopenRate: 0.05, returnRate: 0.15 },
    surveys: { responseRate: 0.3, patience: '2d' },
    policies: {
      sla: slaPolicy({
        calendar: deskHours,
        targets: [
          // timeToAssign (arrival → first assignment) and periodicUpdate (time between agent replies)
          // are built-in metrics defined as data: naming them in a target switches them on.
          {
            when: { priority: 'urgent' },
            firstResponse: '30m',
            nextResponse: '1h',
            resolution: '8h',
            timeToAssign: '15m',
            periodicUpdate: '4h',
          },
          {
            when: { priority: 'high' },
            firstResponse: '1h',
            nextResponse: '4h',
            resolution: '24h',
            timeToAssign: '1h',
            periodicUpdate: '8h',
          },
          {
            when: { channel: ['chat', 'phone'] },
            firstResponse: '15m',
            nextResponse: '4h',
            resolution: '48h',
            timeToAssign: '15m',
            periodicUpdate: '8h',
          },
          { firstResponse: '4h', nextResponse: '8h', resolution: '48h', timeToAssign: '2h', periodicUpdate: '16h' },
        ],
        warnAt: [0.75],
      }),
      escalation: escalationPolicy({
        levels: [
          { name: 'agent' },
          { name: 'specialist', team: 'tier-2' },
          { name: 'manager', notify: ['desk-leads@example.com'] },
        ],
        rules: [
          { on: 'received', when: { tier: 'vip', priority: 'urgent' }, escalateTo: 'specialist' },
          { on: 'sla.breached', metric: 'resolution', escalateTo: '+1' },
          { on: 'reopened', count: 2, escalateTo: '+1' },
        ],
      }),
      feedback: feedbackPolicy({
        // CES after chats, NPS for key accounts, CSAT for everyone else: the first match wins.
        surveys: [
          { when: { channel: 'chat' }, kind: 'ces' },
          { when: { tier: ['gold', 'vip'] }, kind: 'nps' },
          { kind: 'csat' },
        ],
        sendAfter: '1h',
        reminders: { count: 1, every: '2d' },
        expireAfter: '5d',
        reopenWindow: '5d',
        onNegative: 'escalate',
      }),
    },
  };
}

/** Runs the demo desk and prints its KPI table; returns the printed lines. */
export function runDemo(inquiries = 20_000, out: (line: string) => void = console.log): string[] {
  const lines: string[] = [];
  const print = (line: string) => {
    lines.push(line);
    out(line);
  };
  print(
    `▸ A month at a mid-size desk: ${inquiries.toLocaleString('en-US')} inquiries, 25 agents on two shifts, Mon–Sat (Europe/Berlin)`,
  );
  const result = simulate({ ...demoOptions(inquiries), keepViews: false });
  print('');
  if (result.metrics !== null) for (const line of kpiTable(result.metrics, result.stats).split('\n')) print(line);
  print('');
  print('▸ The staffing its SLA needs: first response within target for 95 % in every hour, checked by simulation');
  for (const line of staffingLines(
    planStaffing(demoOptions(inquiries), { sla: 'firstResponse', attainment: 0.95 }, { seeds: 2, maxRounds: 3 }),
  ))
    print(line);
  return lines;
}

/** The plan next to the agents the desk had, per weekday over its opening hours. */
function staffingLines(plan: StaffingPlan): string[] {
  const hours = Array.from({ length: 14 }, (_, i) => i + 7);
  const row = (day: number, pick: (i: StaffingPlan['intervals'][number]) => number) =>
    hours.map((h) => String(pick(plan.intervals[day * 24 + h] ?? plan.intervals[0]!)).padStart(3)).join('');
  const peak = (pick: (i: StaffingPlan['intervals'][number]) => number) => Math.max(...plan.intervals.map(pick));
  const lines = [
    `  Agent-hours a week: ${plan.agentHours} planned, ${plan.hadAgentHours} had; at the peak ${peak((i) => i.agents)} planned, ${peak((i) => i.had)} had`,
    `  Simulated attainment ${(plan.overall.mean * 100).toFixed(1)} % (${plan.converged ? 'every hour meets the target' : 'some hours fall short'})`,
    `  ${'Hour'.padEnd(12)}${hours.map((h) => String(h).padStart(3)).join('')}`,
  ];
  ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].forEach((name, day) => {
    lines.push(
      `  ${`${name} needs`.padEnd(12)}${row(day, (i) => i.agents)}`,
      `  ${'    had'.padEnd(12)}${row(day, (i) => i.had)}`,
    );
  });
  return lines;
}

if (import.meta.url === pathToFileURL(globalThis.process.argv[1] ?? '').href) {
  const started = performance.now();
  runDemo();
  console.log(`\n(simulated in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
