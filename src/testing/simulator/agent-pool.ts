/**
 * The simulated desk's agents and their work queues: who is on shift, where an inquiry waits for
 * an agent (its owner's personal queue, the team an escalation routed it to, or the shared queue
 * of its category and channel), which agent takes it, and how long a work session lasts.
 */
import type { Channel } from '../../schemas/inquiry.js';
import { bestWork, buildDesk, categoryQueue, PRIORITY_SLACK, teamQueue, type WorkQueue } from '../desk-model.js';
import { DurationDistribution, durationSampler, type DurationSampler } from '../distribution.js';
import type { Random } from '../random.js';
import type { SimulationConfig } from '../simulation-options.js';
import { standardHandling } from '../standard-desk.js';
import { type Agenda, AgendaKind } from './agenda.js';
import type { RunCounters } from './run-counters.js';
import { Phase, type SimulatedAgent, type SimulatedInquiry } from './simulated-inquiry.js';

export class AgentPool {
  readonly agents: readonly SimulatedAgent[];
  private readonly desk: ReturnType<typeof buildDesk<SimulatedInquiry>>;
  private readonly handling: Record<Channel, DurationSampler>;
  /** Orders queue entries of equal urgency by the moment they were queued. */
  private seq = 0;

  constructor(
    config: SimulationConfig,
    private readonly agenda: Agenda,
    private readonly counters: RunCounters,
    /** The end of the run: no agent is woken after it. */
    private readonly end: number,
  ) {
    this.desk = buildDesk<SimulatedInquiry>(config);
    this.agents = this.desk.agents;
    const handlingOf = (channel: Channel): DurationSampler => {
      const given = config.work.handling;
      const distribution = given === undefined ? undefined : 'kind' in given ? given : given[channel];
      return durationSampler(distribution ?? DurationDistribution.parse(standardHandling[channel]));
    };
    this.handling = {
      email: handlingOf('email'),
      chat: handlingOf('chat'),
      phone: handlingOf('phone'),
      social: handlingOf('social'),
      web: handlingOf('web'),
      sms: handlingOf('sms'),
    };
  }

  /** Whether the desk has a team of that name (an escalation to another team is not routed). */
  hasTeam(team: string): boolean {
    return this.desk.teams.has(team);
  }

  /** How long an agent's next work session on an inquiry of this channel lasts (at least 1 ms). */
  sessionLength(channel: Channel, random: Random): number {
    return Math.max(1, this.handling[channel](random));
  }

  /**
   * Whether the agent is on shift at `at`. An agent found off shift keeps the start of its next
   * shift in `wakeAt`, and time only moves forward: until then the answer needs no calendar (at
   * night, every arrival asks every idle agent of its queue).
   */
  isOnShift(agent: SimulatedAgent, at: number): boolean {
    return at >= agent.wakeAt && agent.shift.isOpen(at);
  }

  /** Whether the agent is on shift at `at`; one found off shift is woken at the start of its next shift. */
  onShift(agent: SimulatedAgent, at: number): boolean {
    if (this.isOnShift(agent, at)) return true;
    if (at < agent.wakeAt) return false;
    const next = agent.shift.nextOpen(at);
    if (agent.wakeAt !== next) {
      agent.wakeAt = next;
      if (next < this.end) this.agenda.schedule(next, AgendaKind.AgentWake, null, agent);
    }
    return false;
  }

  /** An agent's wake-up came due: whether the agent is now on shift (and free to pull work). */
  wake(agent: SimulatedAgent, at: number): boolean {
    if (agent.wakeAt === at) agent.wakeAt = Number.NEGATIVE_INFINITY;
    return this.onShift(agent, at);
  }

  /** Takes the inquiry out of the queue it waits in, if any. */
  leaveQueue(inquiry: SimulatedInquiry): void {
    const entry = inquiry.entry;
    if (entry === null) return;
    if (entry.live) this.counters.queued--;
    entry.live = false;
    inquiry.entry = null;
  }

  /**
   * Queues the inquiry for an agent: its owner's personal queue while the owner is on shift, else
   * the queue of the team an escalation routed it to, else the shared queue of its category and
   * channel. Returns a free agent on shift who should take work now (the next one round the
   * queue's agents, so that work spreads over the team), or `undefined`: everyone else finds the
   * inquiry when they are free.
   */
  enqueue(inquiry: SimulatedInquiry, at: number): SimulatedAgent | undefined {
    inquiry.phase = Phase.Queued;
    const target = this.queueFor(inquiry, at);
    const entry = { item: inquiry, at: at + PRIORITY_SLACK[inquiry.priority], seq: this.seq++, live: true };
    inquiry.entry = entry;
    target.add(entry);
    this.counters.queued++;
    const agents = target.agents;
    const count = agents.length;
    for (let k = 0; k < count; k++) {
      const agent = agents[(target.cursor + k) % count];
      if (agent === undefined || agent.busy >= agent.capacity || !this.onShift(agent, at)) continue;
      target.cursor = (target.cursor + k + 1) % count;
      return agent;
    }
    return undefined;
  }

  /** The most urgent inquiry a free agent can take, out of its queue, or `undefined`. */
  nextWork(agent: SimulatedAgent): SimulatedInquiry | undefined {
    const queue = bestWork(agent);
    if (queue === undefined) return undefined;
    const entry = queue.take();
    if (entry === undefined) return undefined;
    this.counters.queued--;
    const inquiry = entry.item;
    inquiry.entry = null;
    return inquiry;
  }

  private queueFor(inquiry: SimulatedInquiry, at: number): WorkQueue<SimulatedInquiry> {
    const owner = inquiry.owner;
    if (owner !== null && this.isOnShift(owner, at)) return owner.personal;
    inquiry.owner = null;
    const teamName = inquiry.team === null ? null : teamQueue(inquiry.team, inquiry.channel);
    const teamTarget = teamName === null ? undefined : this.desk.queues.get(teamName);
    return teamTarget !== undefined && teamTarget.agents.length > 0
      ? teamTarget
      : this.desk.queue(categoryQueue(inquiry.category, inquiry.channel));
  }
}
