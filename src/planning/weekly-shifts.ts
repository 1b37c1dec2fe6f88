/**
 * Staffing by hour of the week turned into agent groups the simulator runs: one group per level
 * of staffing, working the hours that need at least that many agents.
 *
 * @internal
 */
import type { BusinessCalendarConfigInput } from '../policies/calendar.js';
import type { AgentGroup } from '../testing/simulation-options.js';
import { WEEK_HOURS } from './desk-load.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const time = (hour: number): string => `${String(hour).padStart(2, '0')}:00`;

/** The weekly calendar open in the hours of the week where `open(hour)` holds. */
function shiftOf(open: (hour: number) => boolean, timezone: string): BusinessCalendarConfigInput {
  const week: Partial<Record<(typeof WEEKDAYS)[number], [string, string][]>> = {};
  WEEKDAYS.forEach((day, d) => {
    const spans: [string, string][] = [];
    let from = -1;
    for (let h = 0; h <= 24; h++) {
      const isOpen = h < 24 && open(d * 24 + h);
      if (isOpen && from < 0) from = h;
      if (!isOpen && from >= 0) {
        spans.push([time(from), time(h)]);
        from = -1;
      }
    }
    if (spans.length > 0) week[day] = spans;
  });
  return { timezone, week };
}

/**
 * Agent groups with `agents[h]` agents on shift in hour `h` of the local week: the k-th agent of
 * an hour works every hour that needs k or more, and levels that work the same hours share one
 * group (so a flat week is a single group).
 *
 * @internal
 */
export function weeklyAgentGroups(
  agents: readonly number[],
  options: { timezone: string; team: string; capacity: number },
): AgentGroup[] {
  const peak = Math.max(0, ...agents);
  const groups: AgentGroup[] = [];
  let level = 1;
  while (level <= peak) {
    // Levels up to the next hour count above `level` work the same hours.
    const covering = agents.filter((n) => n >= level);
    const top = Math.min(...covering);
    const hours = (hour: number): boolean => (agents[hour] ?? 0) >= level;
    groups.push({
      team: options.team,
      count: top - level + 1,
      capacity: options.capacity,
      shift: shiftOf(hours, options.timezone),
      prefix: `${options.team}-L${level}`,
    });
    level = top + 1;
  }
  return groups;
}

/** Agent-hours a week of a staffing by hour. */
export const agentHours = (agents: readonly number[]): number =>
  agents.slice(0, WEEK_HOURS).reduce((sum, n) => sum + n, 0);
