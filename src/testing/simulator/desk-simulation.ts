/**
 * The simulated desk's story, on a virtual clock: inquiries arrive and queue, agents take them in
 * work sessions that end in a reply, a question to the customer, an escalation or a resolution,
 * and customers answer, rate and come back. The loop takes whichever comes first, the next
 * arrival or the next item on the agenda, until the end of the run.
 */
import type { Channel } from '../../schemas/inquiry.js';
import { seededRandom, type Random } from '../random.js';
import type { SimulationConfig } from '../simulation-options.js';
import { Agenda, AgendaKind, type AgendaItem } from './agenda.js';
import { AgentPool } from './agent-pool.js';
import { ArrivalStream } from './arrival-stream.js';
import { CustomerBehaviour } from './customer-behaviour.js';
import { InquiryRunner, type InquiryProcess } from './inquiry-runner.js';
import { RunRecord } from './run-record.js';
import { Phase, type SimulatedAgent, type SimulatedInquiry } from './simulated-inquiry.js';
import type { SimulationResult } from './simulation-result.js';
import { TimelineRecorder } from './timeline-recorder.js';

/** Channels where the agent answers as the session starts; on the others the reply goes out at its end. */
const SYNCHRONOUS: ReadonlySet<Channel> = new Set<Channel>(['chat', 'phone']);
const MINUTE = 60_000;
const DAY = 86_400_000;

export class DeskSimulation {
  private readonly work: SimulationConfig['work'];
  private readonly start: number;
  private readonly end: number;
  private readonly random: Random;
  private readonly agenda = new Agenda();
  private readonly record: RunRecord;
  private readonly timeline: TimelineRecorder;
  private readonly arrivals: ArrivalStream;
  private readonly pool: AgentPool;
  private readonly customers: CustomerBehaviour;
  private readonly inquiries: InquiryRunner;

  constructor(
    config: SimulationConfig,
    private readonly process: InquiryProcess,
  ) {
    this.work = config.work;
    this.start = config.start;
    const arrivalsEnd = config.start + Math.round(config.days * DAY);
    this.end = arrivalsEnd + config.drain;
    this.random = seededRandom(config.seed);
    const timesRandom = this.random.fork(1);
    this.record = new RunRecord(config);
    this.pool = new AgentPool(config, this.agenda, this.record.counters, this.end);
    this.arrivals = new ArrivalStream(config, arrivalsEnd, timesRandom, this.random);
    const feedback = process.policies.feedback;
    this.customers = new CustomerBehaviour(config, feedback, this.random);
    const anySurvey = feedback.survey !== false || feedback.surveyFor !== undefined;
    const closeAfter = Math.max(feedback.autoCloseAfter, anySurvey ? feedback.sendAfter + feedback.expireAfter : 0);
    this.inquiries = new InquiryRunner(process, this.record, this.pool, this.end, closeAfter);
    this.timeline = new TimelineRecorder(this.start, this.end, this.record.counters, config.onProgress);
  }

  run(): SimulationResult {
    const { agenda, arrivals, end } = this;
    for (const agent of this.pool.agents) this.pool.onShift(agent, this.start);
    for (;;) {
      const upcoming = agenda.peek();
      const arrival = arrivals.peek();
      if (upcoming !== undefined && upcoming.at < arrival) {
        if (upcoming.at >= end) break;
        agenda.pop();
        this.timeline.advanceTo(upcoming.at);
        this.happen(upcoming);
      } else {
        if (arrival >= end) break;
        this.timeline.advanceTo(arrival);
        this.arrive(arrivals.take(), arrival);
      }
    }
    this.inquiries.readOpenAtEnd();
    this.timeline.close();
    return this.record.result(this.timeline, this.pool.agents.length, this.process.policies.sla.calendar, end);
  }

  private arrive(index: number, at: number): void {
    this.record.counters.arrived++;
    this.timeline.countArrival(at);
    const drawn = this.arrivals.draw();
    const inquiry = this.inquiries.start(index, at, drawn);
    if (this.random.chance(this.work.cancelRate))
      this.agenda.schedule(at + this.random.int(2, 60) * MINUTE, AgendaKind.Cancel, inquiry);
    this.enqueue(inquiry, at);
  }

  /** Carries out an agenda item that came due, unless the inquiry's story moved on since. */
  private happen(item: AgendaItem): void {
    const { inquiry, at } = item;
    if (item.kind === AgendaKind.AgentWake) {
      if (item.agent !== null && this.pool.wake(item.agent, at)) this.pullWork(item.agent, at);
      return;
    }
    if (inquiry === null) return;
    if (item.kind === AgendaKind.SessionEnd) {
      if (item.agent !== null) this.endSession(item.agent, inquiry, at);
      return;
    }
    if (inquiry.phase === Phase.Done || item.version !== inquiry.version) return;
    switch (item.kind) {
      case AgendaKind.CustomerReply:
        this.inquiries.send(inquiry, { type: 'customer.reply', at });
        if (inquiry.phase === Phase.Waiting) {
          inquiry.version++;
          this.enqueue(inquiry, at);
        }
        return;
      case AgendaKind.GiveUpWaiting:
        if (inquiry.phase === Phase.Waiting) this.resolve(inquiry, at, 'no answer from the customer');
        return;
      case AgendaKind.SurveyAnswer:
        this.answerSurvey(inquiry, at);
        return;
      case AgendaKind.FollowUpQuestion:
        if (inquiry.phase !== Phase.FollowUp) return;
        this.afterFollowUpAction(inquiry, at, this.inquiries.send(inquiry, { type: 'customer.reply', at }));
        return;
      case AgendaKind.Cancel:
        if (inquiry.phase !== Phase.Queued) return;
        this.pool.leaveQueue(inquiry);
        this.inquiries.send(inquiry, { type: 'cancel', reason: 'spam or duplicate', at });
        return;
    }
  }

  /** Queues the inquiry; a free agent on shift takes work at once. */
  private enqueue(inquiry: SimulatedInquiry, at: number): void {
    const agent = this.pool.enqueue(inquiry, at);
    if (agent !== undefined) this.pullWork(agent, at);
  }

  /** A free, on-shift agent takes the most urgent work it can do, until it is full. */
  private pullWork(agent: SimulatedAgent, at: number): void {
    while (agent.busy < agent.capacity) {
      const inquiry = this.pool.nextWork(agent);
      if (inquiry === undefined) return;
      this.beginSession(agent, inquiry, at);
    }
  }

  private beginSession(agent: SimulatedAgent, inquiry: SimulatedInquiry, at: number): void {
    agent.busy++;
    inquiry.phase = Phase.Working;
    inquiry.sessions++;
    inquiry.sessionStartedAt = at;
    if (inquiry.owner !== agent) {
      inquiry.owner = agent;
      this.inquiries.send(inquiry, { type: 'assign', agentId: agent.id, team: agent.team, at });
    }
    if (SYNCHRONOUS.has(inquiry.channel)) this.inquiries.send(inquiry, { type: 'agent.reply', agentId: agent.id, at });
    const length = this.pool.sessionLength(inquiry.channel, this.random);
    this.agenda.schedule(at + length, AgendaKind.SessionEnd, inquiry, agent);
  }

  /** The session ends in a resolution, an escalation or a question to the customer; the agent takes more work. */
  private endSession(agent: SimulatedAgent, inquiry: SimulatedInquiry, at: number): void {
    agent.busy--;
    if (inquiry.phase === Phase.Working) this.concludeSession(agent, inquiry, at);
    if (this.pool.onShift(agent, at)) this.pullWork(agent, at);
  }

  private concludeSession(agent: SimulatedAgent, inquiry: SimulatedInquiry, at: number): void {
    const { work, random, inquiries } = this;
    if (!SYNCHRONOUS.has(inquiry.channel)) inquiries.send(inquiry, { type: 'agent.reply', agentId: agent.id, at });
    const resolves = inquiry.sessions >= work.maxSessions || random.chance(work.resolveRate);
    const escalates = !resolves && random.chance(work.escalateRate / Math.max(1e-9, 1 - work.resolveRate));
    if (work.contacts && inquiry.phase === Phase.Working) {
      inquiries.send(inquiry, {
        type: 'contact.completed',
        contactId: `${inquiry.id}/${inquiry.sessions}`,
        channel: inquiry.channel,
        handleMs: at - inquiry.sessionStartedAt,
        resolved: resolves,
        at,
      });
    }
    if (inquiry.phase !== Phase.Working) return;
    if (resolves) this.resolve(inquiry, at, 'answered');
    else if (escalates) {
      inquiries.send(inquiry, { type: 'escalate', reason: 'needs a specialist', at });
      if (inquiry.phase === Phase.Working) {
        inquiry.owner = null;
        this.enqueue(inquiry, at);
      }
    } else this.askCustomer(inquiry, at);
  }

  private askCustomer(inquiry: SimulatedInquiry, at: number): void {
    if (this.work.pendOnCustomer) this.inquiries.send(inquiry, { type: 'pend', reason: 'customer', at });
    if (inquiry.phase === Phase.Done) return;
    inquiry.phase = Phase.Waiting;
    inquiry.version++;
    const giveUpAfter = this.work.abandonAfter;
    const replyAt = this.customers.replyAt(at, giveUpAfter);
    if (replyAt !== null) this.agenda.schedule(replyAt, AgendaKind.CustomerReply, inquiry);
    else this.agenda.schedule(at + giveUpAfter, AgendaKind.GiveUpWaiting, inquiry);
  }

  private resolve(inquiry: SimulatedInquiry, at: number, resolution: string): void {
    const effects = this.inquiries.send(inquiry, { type: 'resolve', resolution, at });
    if (effects === null || inquiry.phase === Phase.Done) return;
    inquiry.phase = Phase.FollowUp;
    inquiry.resolvedAt = at;
    inquiry.version++;
    this.record.counters.unresolved--;
    this.timeline.countResolution(at);
    this.scheduleFollowUp(inquiry, at);
  }

  /** Schedules what the customer will still do in follow-up; with nothing, the story ends now. */
  private scheduleFollowUp(inquiry: SimulatedInquiry, at: number): void {
    let pending = 0;
    inquiry.surveyKind = inquiry.state?.context.feedback.survey?.kind ?? null;
    const answerAt = inquiry.surveyKind === null ? null : this.customers.surveyAnswerAt(at);
    if (answerAt !== null) {
      this.agenda.schedule(answerAt, AgendaKind.SurveyAnswer, inquiry);
      pending++;
    }
    const questionAt = this.customers.followUpAt(at);
    if (questionAt !== null) {
      this.agenda.schedule(questionAt, AgendaKind.FollowUpQuestion, inquiry);
      pending++;
    }
    inquiry.followUps = pending;
    if (pending === 0) this.inquiries.settle(inquiry);
  }

  private answerSurvey(inquiry: SimulatedInquiry, at: number): void {
    const kind = inquiry.surveyKind;
    if (inquiry.phase !== Phase.FollowUp || kind === null) return;
    const score = this.customers.score(kind, inquiry.resolvedAt - inquiry.receivedAt);
    this.afterFollowUpAction(inquiry, at, this.inquiries.send(inquiry, { type: 'feedback', kind, score, at }));
  }

  /** After a survey answer or a question in follow-up: back to work if it reopened, else settled once nothing is left. */
  private afterFollowUpAction(
    inquiry: SimulatedInquiry,
    at: number,
    effects: readonly { type: string }[] | null,
  ): void {
    if (reopened(effects) && inquiry.phase === Phase.FollowUp) {
      inquiry.version++;
      this.record.counters.unresolved++;
      this.enqueue(inquiry, at);
    } else if (--inquiry.followUps === 0 && inquiry.phase === Phase.FollowUp) this.inquiries.settle(inquiry);
  }
}

const reopened = (effects: readonly { type: string }[] | null): boolean =>
  effects !== null && effects.some((e) => e.type === 'inquiry.reopened');
