/**
 * The desk the simulator runs: agents with shifts, skills and capacity, and the work queues they
 * pull from. Queues are ordered earliest-deadline-first: an inquiry's key is the instant it
 * joined the queue plus a slack that shrinks with its priority, so urgent work goes first and low
 * priority work still gets done.
 */
import * as z from 'zod/mini';
import { InvalidConfigError } from '../errors.js';
import { businessCalendar, type BusinessCalendar } from '../policies/calendar.js';
import type { Channel, Priority } from '../schemas/inquiry.js';
import { earlier, MinHeap } from './min-heap.js';
import { AgentGroup, type SimulationConfig } from './simulation-options.js';
import { staffFor, twoShiftAgents } from './standard-desk.js';

const HOUR = 3_600_000;
/** How long an inquiry may wait before it outranks newer, more urgent work. */
export const PRIORITY_SLACK: Readonly<Record<Priority, number>> = {
  urgent: 0,
  high: HOUR,
  normal: 4 * HOUR,
  low: 12 * HOUR,
};

/** One place in a work queue. It is stale once its inquiry left the queue (cancelled, re-routed). */
export interface QueueEntry<T> {
  readonly item: T;
  /** When the entry is due: its arrival plus its priority's slack (earliest deadline first). */
  readonly at: number;
  readonly seq: number;
  live: boolean;
}

/** A queue of work and the agents who pull from it. */
export class WorkQueue<T> {
  private readonly heap = new MinHeap<QueueEntry<T>>();
  readonly agents: Agent<T>[] = [];
  /** Where the next search for a free agent starts, so that work spreads over the team. */
  cursor = 0;
  length = 0;

  constructor(readonly name: string) {}

  add(entry: QueueEntry<T>): void {
    this.heap.push(entry);
    this.length++;
  }

  /** The first live entry, dropping stale ones on the way. */
  head(): QueueEntry<T> | undefined {
    let top = this.heap.peek();
    while (top !== undefined && !top.live) {
      this.heap.pop();
      top = this.heap.peek();
    }
    return top;
  }

  take(): QueueEntry<T> | undefined {
    const top = this.head();
    if (top !== undefined) {
      this.heap.pop();
      top.live = false;
      this.length--;
    }
    return top;
  }

  /** Marks an entry gone without searching for it; `head` drops it when it surfaces. */
  drop(entry: QueueEntry<T>): void {
    if (entry.live) {
      entry.live = false;
      this.length--;
    }
  }
}

/** One agent: who, when they work, how much at once, and what they pull from. */
export interface Agent<T> {
  readonly id: string;
  readonly team: string;
  readonly shift: BusinessCalendar;
  readonly capacity: number;
  /** Follow-ups of the agent's own inquiries, pulled before anything else of equal urgency. */
  readonly personal: WorkQueue<T>;
  /** The personal queue first, then the shared queues the agent's skills and channels allow. */
  readonly queues: WorkQueue<T>[];
  busy: number;
  /** The instant a wake-up (start of the next shift) is scheduled for, or -Infinity (instants may be negative). */
  wakeAt: number;
}

/** The key of the shared queue for a category on a channel. */
export const categoryQueue = (category: string, channel: Channel): string => `${category}|${channel}`;
/** The key of the queue of a team (work routed to it by an escalation) on a channel. */
export const teamQueue = (team: string, channel: Channel): string => `@${team}|${channel}`;

/** The best live entry among an agent's queues, and the queue it is in. */
export function bestWork<T>(agent: Agent<T>): WorkQueue<T> | undefined {
  let best: WorkQueue<T> | undefined;
  let bestEntry: QueueEntry<T> | undefined;
  for (const queue of agent.queues) {
    if (queue.length === 0) continue;
    const entry = queue.head();
    if (entry !== undefined && (bestEntry === undefined || earlier(entry, bestEntry))) {
      best = queue;
      bestEntry = entry;
    }
  }
  return best;
}

type ParsedAgentGroup = z.output<typeof AgentGroup>;

export function calendarOf(shift: ParsedAgentGroup['shift']): BusinessCalendar {
  if (shift === undefined) return businessCalendar();
  return 'isOpen' in shift ? shift : businessCalendar(shift);
}

/** The agent groups of the options, or the standard two shifts staffed for the load. */
export function agentGroups(config: SimulationConfig): readonly ParsedAgentGroup[] {
  if (typeof config.agents === 'object') return config.agents;
  const timezone = config.arrivals.timezone;
  const groups =
    config.agents === undefined
      ? staffFor(config.inquiries / config.days, timezone)
      : twoShiftAgents(config.agents, { capacity: 2, timezone });
  return z.array(AgentGroup).parse(groups);
}

/** Builds the agents and the queues they serve; every category × channel must have someone. */
export function buildDesk<T>(config: SimulationConfig) {
  const groups = agentGroups(config);
  const categories = Object.keys(config.arrivals.categories);
  const channels = Object.keys(config.arrivals.channels) as Channel[];
  const queues = new Map<string, WorkQueue<T>>();
  const queue = (name: string): WorkQueue<T> => {
    let q = queues.get(name);
    if (q === undefined) {
      q = new WorkQueue<T>(name);
      queues.set(name, q);
    }
    return q;
  };
  const agents: Agent<T>[] = [];
  const teams = new Set<string>();
  const groupsPerTeam = new Map<string, number>();
  for (const group of groups) groupsPerTeam.set(group.team, (groupsPerTeam.get(group.team) ?? 0) + 1);
  groups.forEach((group, groupIndex) => {
    const team = group.team;
    teams.add(team);
    const shift = calendarOf(group.shift);
    const prefix = group.prefix ?? ((groupsPerTeam.get(team) ?? 1) > 1 ? `${team}-${groupIndex + 1}` : team);
    const skills = group.skills ?? categories;
    const reach = group.channels ?? channels;
    const digits = String(group.count).length;
    for (let n = 1; n <= group.count; n++) {
      const agent: Agent<T> = {
        id: `${prefix}-${String(n).padStart(digits, '0')}`,
        team,
        shift,
        capacity: group.capacity,
        personal: new WorkQueue<T>('personal'),
        queues: [],
        busy: 0,
        wakeAt: Number.NEGATIVE_INFINITY,
      };
      agent.queues.push(agent.personal);
      agent.personal.agents.push(agent);
      for (const channel of reach) {
        for (const category of skills) agent.queues.push(queue(categoryQueue(category, channel)));
        agent.queues.push(queue(teamQueue(team, channel)));
      }
      for (const q of agent.queues) if (q !== agent.personal) q.agents.push(agent);
      agents.push(agent);
    }
  });
  for (const category of categories) {
    for (const channel of channels) {
      if (
        (config.arrivals.categories[category] ?? 0) > 0 &&
        (config.arrivals.channels[channel] ?? 0) > 0 &&
        (queues.get(categoryQueue(category, channel))?.agents.length ?? 0) === 0
      ) {
        throw new InvalidConfigError(
          `Invalid simulation options: no agent handles category '${category}' on channel '${channel}'; give some agent group that skill and channel, or drop it from arrivals`,
          {
            path: ['agents'],
            expected: `an agent group with skills including '${category}' and channels including '${channel}'`,
          },
        );
      }
    }
  }
  return { agents, queues, teams, queue };
}
