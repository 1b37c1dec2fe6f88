/**
 * The standard desk the simulator assumes where options leave things out: opening hours, two agent
 * shifts, an arrival profile, handling times, survey scores, and SLA / escalation / feedback
 * policies that a mid-size desk would run.
 */
import { businessCalendar, type BusinessCalendar, type BusinessCalendarConfigInput } from '../policies/calendar.js';
import { escalationPolicy, type EscalationPolicy } from '../policies/escalation.js';
import { feedbackPolicy, type FeedbackPolicy } from '../policies/feedback.js';
import { slaPolicy, type SlaPolicy } from '../policies/sla.js';
import type { Channel } from '../schemas/inquiry.js';
import type { AgentGroup } from './simulation-options.js';
import type { DurationDistributionInput } from './distribution.js';

type Week = NonNullable<BusinessCalendarConfigInput['week']>;
const weekdays = (span: [string, string]): Week => ({
  mon: [span],
  tue: [span],
  wed: [span],
  thu: [span],
  fri: [span],
});

/**
 * Opening hours of the standard desk: Mon–Fri 07:00–21:00, Sat 09:00–17:00.
 *
 * @example
 * ```ts
 * import { businessCalendar } from 'serviceflow';
 * import { deskHours } from 'serviceflow/testing';
 * const hours = businessCalendar(deskHours('Europe/Madrid'));
 * ```
 */
export function deskHours(timezone = 'UTC'): BusinessCalendarConfigInput {
  return { timezone, week: { ...weekdays(['07:00', '21:00']), sat: [['09:00', '17:00']] } };
}

/**
 * The early shift (Mon–Fri 07:00–15:00, Sat 09:00–17:00) and the late shift (Mon–Fri 13:00–21:00).
 *
 * @example
 * ```ts
 * import { deskShifts, simulate } from 'serviceflow/testing';
 * const { early, late } = deskShifts('Europe/Madrid');
 * simulate({ agents: [{ count: 6, shift: early }, { count: 4, shift: late }] });
 * ```
 */
export function deskShifts(timezone = 'UTC'): {
  early: BusinessCalendarConfigInput;
  late: BusinessCalendarConfigInput;
} {
  return {
    early: { timezone, week: { ...weekdays(['07:00', '15:00']), sat: [['09:00', '17:00']] } },
    late: { timezone, week: weekdays(['13:00', '21:00']) },
  };
}

/**
 * `count` agents of one team on the two standard shifts: the larger half early (it covers
 * Saturdays), the rest late.
 *
 * @example
 * ```ts
 * import { simulate, twoShiftAgents } from 'serviceflow/testing';
 * const result = simulate({ inquiries: 500, days: 7, agents: twoShiftAgents(12, { capacity: 2 }) });
 * ```
 */
export function twoShiftAgents(
  count: number,
  options: {
    team?: string;
    capacity?: number;
    timezone?: string;
    skills?: readonly string[];
    channels?: readonly Channel[];
  } = {},
): AgentGroup[] {
  const { early, late } = deskShifts(options.timezone);
  const team = options.team ?? 'support';
  const common = {
    team,
    ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
    ...(options.skills === undefined ? {} : { skills: options.skills }),
    ...(options.channels === undefined ? {} : { channels: options.channels }),
  };
  const earlyCount = Math.ceil(count / 2);
  const groups: AgentGroup[] = [{ ...common, count: earlyCount, shift: early, prefix: `${team}-early` }];
  if (count - earlyCount > 0)
    groups.push({ ...common, count: count - earlyCount, shift: late, prefix: `${team}-late` });
  return groups;
}

/**
 * Agents enough for `perDay` inquiries a day on the standard shifts (about 75 % busy).

 */
export function staffFor(perDay: number, timezone: string): AgentGroup[] {
  return twoShiftAgents(Math.max(2, Math.ceil(perDay / 22)), { capacity: 2, timezone });
}

/**
 * Weekday business hours busy, evenings lighter, nights and Sundays quiet.
 *
 * @example
 * ```ts
 * import { simulate, standardProfile } from 'serviceflow/testing';
 * const quieterSaturdays = standardProfile().map((w, hour) => (hour >= 120 && hour < 144 ? w / 2 : w));
 * simulate({ arrivals: { profile: quieterSaturdays } });
 * ```
 */
export function standardProfile(): number[] {
  const profile: number[] = [];
  for (let day = 0; day < 7; day++) {
    for (let hour = 0; hour < 24; hour++) {
      const business = hour >= 8 && hour < 18;
      const evening = hour >= 18 && hour < 22;
      if (day < 5) profile.push(business ? 10 : evening ? 4 : 1);
      else if (day === 5) profile.push(hour >= 9 && hour < 17 ? 5 : 1);
      else profile.push(hour >= 10 && hour < 20 ? 2 : 0.5);
    }
  }
  return profile;
}

/**
 * Handling time of one work session per channel.

 */
export const standardHandling: Record<Channel, DurationDistributionInput> = {
  email: { kind: 'lognormal', median: '8m', p90: '25m', max: '3h' },
  chat: { kind: 'lognormal', median: '12m', p90: '30m', max: '3h' },
  phone: { kind: 'lognormal', median: '7m', p90: '18m', max: '2h' },
  web: { kind: 'lognormal', median: '8m', p90: '25m', max: '3h' },
  social: { kind: 'lognormal', median: '5m', p90: '15m', max: '2h' },
  sms: { kind: 'lognormal', median: '4m', p90: '12m', max: '2h' },
};

/**
 * Survey scores of satisfied customers, and of customers who waited past their patience.

 */
export const standardScores = {
  happy: { csat: [2, 3, 8, 35, 52], nps: [1, 1, 1, 1, 2, 3, 5, 10, 17, 24, 35], ces: [30, 30, 18, 10, 6, 4, 2] },
  unhappy: {
    csat: [18, 17, 25, 25, 15],
    nps: [6, 5, 6, 7, 8, 10, 12, 14, 12, 10, 10],
    ces: [8, 10, 15, 20, 20, 15, 12],
  },
} as const;

/**
 * The standard desk's policies, their SLA counted on the desk's opening hours.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { standardPolicies } from 'serviceflow/testing';
 * const { sla, escalation, feedback } = standardPolicies('Europe/Berlin');
 * const process = createProcess(inquiryMachine, { sla, escalation, feedback });
 * ```
 */
export function standardPolicies(timezone = 'UTC'): {
  sla: SlaPolicy;
  escalation: EscalationPolicy;
  feedback: FeedbackPolicy;
  hours: BusinessCalendar;
} {
  const hours = businessCalendar(deskHours(timezone));
  return {
    hours,
    sla: slaPolicy({
      calendar: hours,
      targets: [
        { when: { priority: 'urgent' }, firstResponse: '1h', nextResponse: '2h', resolution: '8h' },
        { when: { priority: 'high' }, firstResponse: '2h', nextResponse: '4h', resolution: '24h' },
        { firstResponse: '4h', nextResponse: '8h', resolution: '48h' },
      ],
      warnAt: [0.75],
    }),
    escalation: escalationPolicy({
      levels: [{ name: 'agent' }, { name: 'specialist' }, { name: 'manager', notify: ['desk-leads@example.com'] }],
      rules: [
        { on: 'received', when: { tier: 'vip', priority: 'urgent' }, escalateTo: 'specialist' },
        { on: 'sla.breached', metric: 'resolution', escalateTo: '+1' },
        { on: 'reopened', count: 2, escalateTo: '+1' },
      ],
    }),
    // CES after chats, NPS for key accounts, CSAT for everyone else (first match wins).
    feedback: feedbackPolicy({
      surveys: [
        { when: { channel: 'chat' }, kind: 'ces' },
        { when: { tier: ['gold', 'vip'] }, kind: 'nps' },
        { kind: 'csat' },
      ],
      sendAfter: '1h',
      reminders: { count: 1, every: '2d' },
      expireAfter: '5d',
      reopenWindow: '5d',
    }),
  };
}
