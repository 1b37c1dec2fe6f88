/**
 * `simulate`: a service desk on a virtual clock. A discrete-event simulation whose every inquiry
 * lives in the pure process API — `start` on arrival, `send` for each thing that happens to it —
 * while the simulator plays the customers and the agents around it.
 */
import type { InquiryMachine } from '../machines/inquiry.js';
import { computeMetrics, type MetricsInquiryView, type ServiceMetrics } from '../metrics/compute.js';
import { type ServiceProcess } from '../process/createProcess.js';
import { trustedSender, trustedStarter } from '../engine/trusted.js';
import { ServiceFlowError } from '../errors.js';
import type { InquiryView } from '../process/view.js';
import type { InquiryEffect } from '../schemas/effects.js';
import type { Channel, FeedbackKind, InquiryEventInit, Priority } from '../schemas/inquiry.js';
import type { PersistedState } from '../schemas/state.js';
import { arrivalTimes } from './arrivals.js';
import {
  bestWork,
  buildDesk,
  categoryQueue,
  PRIORITY_SLACK,
  teamQueue,
  type Agent,
  type QueueEntry,
  type WorkQueue,
} from './desk-model.js';
import { DurationDistribution, durationSampler, type DurationSampler } from './distribution.js';
import { MinHeap } from './min-heap.js';
import { cumulativeWeights, seededRandom, type Random } from './random.js';
import { parseSimulationOptions, type SimulationConfig, type SimulationOptions } from './simulation-options.js';
import { processFor } from './simulation-process.js';
import { standardHandling, standardProfile, standardScores } from './standard-desk.js';

/**
 * Arrivals, resolutions and the open backlog per time bucket, for charts.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * const { timeline } = simulate({ inquiries: 1_000, days: 7 });
 * const peak = Math.max(...timeline.backlog); // the largest open backlog at an hour's end
 * ```
 */
export interface SimulationTimeline {
  readonly start: number;
  /** Width of each bucket: an hour for up to 60 days, else a day. */
  readonly bucketMs: number;
  /** Inquiries that arrived in each bucket. */
  readonly arrivals: readonly number[];
  /** Resolutions in each bucket (a reopened inquiry counts again when resolved again). */
  readonly resolved: readonly number[];
  /** Unresolved inquiries (waiting, being worked or pending) at each bucket's end. */
  readonly backlog: readonly number[];
  /** Of those, the ones waiting in a queue for an agent at each bucket's end. */
  readonly queued: readonly number[];
}

/**
 * Counts of the run itself.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { simulate } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * const { stats } = simulate({ inquiries: 1_000, days: 7 });
 * console.log(`${stats.steps / stats.inquiries} process steps per inquiry`, stats.rejected);
 * ```
 */
export interface SimulationStats {
  readonly inquiries: number;
  readonly agents: number;
  /** Accepted process steps: one `start` per inquiry plus every accepted `send`. */
  readonly steps: number;
  /** Events the process refused (`EVENT_NOT_ALLOWED` and the like), by type. Zero for the built-in process. */
  readonly rejected: Readonly<Record<string, number>>;
  readonly effects: number;
  /** Inquiries closed or cancelled by the end. */
  readonly finished: number;
  readonly start: number;
  readonly end: number;
}

/**
 * What {@link simulate} returns.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * const { views, metrics, timeline, stats } = simulate({ inquiries: 1_000, days: 7, seed: 3 });
 * console.log(views.length, metrics?.csat, timeline.arrivals.length, stats.steps);
 * ```
 */
export interface SimulationResult {
  /** One view per inquiry in arrival order, read at the end (empty with `keepViews: false`). */
  readonly views: readonly InquiryView[];
  /**
   * The KPIs of every inquiry (`computeMetrics`, business-time twins on the SLA policy's
   * calendar), or `null` with `metrics: false`.
   */
  readonly metrics: ServiceMetrics | null;
  /** Every effect in time order (with `journal: true`). */
  readonly journal?: readonly InquiryEffect[];
  readonly timeline: SimulationTimeline;
  readonly stats: SimulationStats;
}

const enum Phase {
  Queued,
  Working,
  Waiting,
  FollowUp,
  Done,
}

interface Inquiry {
  readonly index: number;
  readonly id: string;
  readonly channel: Channel;
  readonly category: string;
  readonly priority: Priority;
  readonly receivedAt: number;
  /** The process state; `null` once the inquiry is done, so that a finished story holds no memory. */
  state: PersistedState | null;
  wakeAt: number | null;
  phase: Phase;
  owner: Agent<Inquiry> | null;
  /** A team an escalation routed the inquiry to (when the desk has that team). */
  team: string | null;
  entry: QueueEntry<Inquiry> | null;
  sessions: number;
  sessionStartedAt: number;
  /** Customer actions still scheduled in follow-up (a survey answer, a follow-up question). */
  followUps: number;
  /** The survey the process scheduled at the last resolution (the policy may choose by rule), or `null`. */
  surveyKind: FeedbackKind | null;
  /** Bumped whenever the inquiry's story changes, so that stale scheduled happenings are ignored. */
  version: number;
  resolvedAt: number;
}

const enum Kind {
  SessionEnd,
  CustomerReply,
  GiveUpWaiting,
  SurveyAnswer,
  FollowUpQuestion,
  Cancel,
  AgentWake,
}

interface Happening {
  readonly at: number;
  readonly seq: number;
  readonly kind: Kind;
  readonly inquiry: Inquiry | null;
  readonly agent: Agent<Inquiry> | null;
  readonly version: number;
}

/** Reads the phase afresh: a `send` may have finished the inquiry behind the compiler's back. */
const isDone = (inquiry: Inquiry): boolean => inquiry.phase === Phase.Done;

const SYNCHRONOUS: ReadonlySet<Channel> = new Set<Channel>(['chat', 'phone']);
const MINUTE = 60_000;
const DAY = 86_400_000;

type InquiryProcess = ServiceProcess<InquiryMachine>;

/** The fields of a view that `computeMetrics` reads. */
function metricsProjection(view: InquiryView): MetricsInquiryView {
  return {
    id: view.id,
    stage: view.stage,
    channel: view.channel,
    priority: view.priority,
    escalation: view.escalation,
    sla: view.sla,
    slaHistory: view.slaHistory,
    feedback: view.feedback,
    contacts: view.contacts,
    receivedAt: view.receivedAt,
    customer: view.customer,
    ...(view.followUpOf === undefined ? {} : { followUpOf: view.followUpOf }),
    ...(view.firstRespondedAt === undefined ? {} : { firstRespondedAt: view.firstRespondedAt }),
    ...(view.resolvedAt === undefined ? {} : { resolvedAt: view.resolvedAt }),
    ...(view.cancelledAt === undefined ? {} : { cancelledAt: view.cancelledAt }),
    reopenCount: view.reopenCount,
  };
}

interface Mix<K extends string> {
  readonly keys: readonly K[];
  readonly cumulative: Float64Array;
}

function weightsOf<K extends string>(weights: Partial<Record<K, number>>): Mix<K> {
  const keys = Object.keys(weights) as K[];
  return { keys, cumulative: cumulativeWeights(keys.map((key) => weights[key] ?? 0)) };
}

/** One value of a mix, drawn by weight. The options schema guarantees a positive weight. */
function draw<K extends string>(random: Random, mix: Mix<K>): K {
  const key = mix.keys[random.pick(mix.cumulative)];
  if (key === undefined) throw new RangeError('a mix without a positive weight');
  return key;
}

/**
 * Simulates a service desk on a virtual clock: inquiries arrive by an hour-of-week profile and a
 * channel / priority / tier / category mix; agents on shifts (business calendars) with skills and
 * concurrent capacity pull them from earliest-deadline-first queues, work them in sessions drawn
 * from handling-time distributions, reply, ask the customer, escalate or resolve; customers answer
 * (or go quiet), come back with follow-up questions, and rate their experience. Every inquiry is a
 * real process run through `start` / `send`, so SLA, escalation and feedback policies act exactly
 * as they would in production; deadlines fire when the inquiry's next event (or a closing tick)
 * arrives, each stamped with its own instant. A follow-up that holds nothing more for the customer
 * to do is settled at once with its closing tick (stamped with its own later instant), so
 * `onEffect` / `onView` see its last effects ahead of the clock; the journal is sorted by time.
 *
 * Deterministic: the same options and seed give deep-equal results. Bad options throw
 * `INVALID_CONFIG` naming the path. With `keepViews: false` views are only streamed to `onView`
 * (for runs too large to hold) and the KPIs are computed from a projection of each view holding
 * only what they read; add `metrics: false` and memory follows the inquiries open at a time.
 *
 * Defaults: 1,000 inquiries over 30 days from Monday 2026-03-02 UTC; a desk open Mon–Fri 07–21,
 * Sat 09–17, staffed on two shifts for the load; SLA targets by priority on the desk's hours,
 * escalation on resolution breaches and repeated reopens, a CSAT survey an hour after resolution.
 *
 * @example
 * ```ts
 * import { simulate } from 'serviceflow/testing';
 * const { views, stats, timeline } = simulate({ inquiries: 2_000, days: 14, seed: 7 });
 * const closed = views.filter((view) => view.stage === 'closed').length;
 * console.log(`${closed} of ${stats.inquiries} closed; peak backlog ${Math.max(...timeline.backlog)}`);
 * ```
 */
export function simulate(options: SimulationOptions = {}): SimulationResult {
  const config = parseSimulationOptions(options);
  return runSimulation(config, processFor(config));
}

function runSimulation(config: SimulationConfig, process: InquiryProcess): SimulationResult {
  const { work, customers, surveys, arrivals } = config;
  const start = config.start;
  const arrivalsEnd = start + Math.round(config.days * DAY);
  const end = arrivalsEnd + config.drain;
  const random = seededRandom(config.seed);
  const arrivalRandom = random.fork(1);
  const desk = buildDesk<Inquiry>(config);
  const feedback = process.policies.feedback;
  // The simulator builds every event itself (typed, `at` in epoch ms): no need to validate them.
  const sendEvent = trustedSender(process);
  // Nor the inputs: every field is set, `at` is in epoch ms, and the options schema only lets
  // through tiers and categories that are already valid, normalised input text.
  const startInquiry = trustedStarter(process);

  const times = arrivalTimes(
    arrivalRandom,
    config.inquiries,
    start,
    arrivalsEnd,
    arrivals.profile ?? standardProfile(),
    arrivals.timezone,
  );
  const channelMix = weightsOf<Channel>(arrivals.channels);
  const priorityMix = weightsOf<Priority>(arrivals.priorities);
  const tierMix = weightsOf(arrivals.tiers);
  const categoryMix = weightsOf(arrivals.categories);

  const handlingOf = (channel: Channel): DurationSampler => {
    const given = work.handling;
    const distribution = given === undefined ? undefined : 'kind' in given ? given : given[channel];
    return durationSampler(distribution ?? DurationDistribution.parse(standardHandling[channel]));
  };
  const handling: Record<Channel, DurationSampler> = {
    email: handlingOf('email'),
    chat: handlingOf('chat'),
    phone: handlingOf('phone'),
    social: handlingOf('social'),
    web: handlingOf('web'),
    sms: handlingOf('sms'),
  };
  const replyDelay = durationSampler(customers.replyDelay);
  const reopenDelay = durationSampler(customers.reopenDelay);
  const surveyDelay = durationSampler(surveys.delay);
  const scoreTable = (kind: FeedbackKind, unhappy: boolean): Float64Array =>
    cumulativeWeights(
      (unhappy ? surveys.unhappyScores[kind] : surveys.scores[kind]) ??
        (unhappy ? standardScores.unhappy[kind] : standardScores.happy[kind]),
    );
  const scores: Record<
    FeedbackKind,
    { readonly happy: Float64Array; readonly unhappy: Float64Array; readonly base: number }
  > = {
    csat: { happy: scoreTable('csat', false), unhappy: scoreTable('csat', true), base: 1 },
    nps: { happy: scoreTable('nps', false), unhappy: scoreTable('nps', true), base: 0 },
    ces: { happy: scoreTable('ces', false), unhappy: scoreTable('ces', true), base: 1 },
  };
  const anySurvey = feedback.survey !== false || feedback.surveyFor !== undefined;
  const closeAfter = Math.max(feedback.autoCloseAfter, anySurvey ? feedback.sendAfter + feedback.expireAfter : 0);
  const returning = returningCustomers(
    customers.returnRate,
    Math.max(50, Math.round((config.inquiries / Math.max(config.days, 1)) * 3)),
  );

  // ---- bookkeeping -------------------------------------------------------------------------
  const keep = config.keepViews;
  const views: InquiryView[] = keep ? new Array<InquiryView>(config.inquiries) : [];
  // Streamed runs keep only what the KPIs read, in arrival order.
  const metricViews: MetricsInquiryView[] | null =
    config.metrics && !keep ? new Array<MetricsInquiryView>(config.inquiries) : null;
  const record = (index: number, view: InquiryView): void => {
    if (keep) views[index] = view;
    else if (metricViews !== null) metricViews[index] = metricsProjection(view);
    onView?.(view);
  };
  const journal: InquiryEffect[] | undefined = config.journal ? [] : undefined;
  const onEffect = config.onEffect;
  const onView = config.onView;
  const rejected: Record<string, number> = {};
  let steps = 0;
  let effectCount = 0;
  let finished = 0;
  let unresolved = 0;
  let queuedCount = 0;

  const bucketMs = end - start <= 60 * DAY ? 3_600_000 : DAY;
  const buckets = Math.max(1, Math.ceil((end - start) / bucketMs));
  const timeline = {
    start,
    bucketMs,
    arrivals: new Array<number>(buckets).fill(0),
    resolved: new Array<number>(buckets).fill(0),
    backlog: new Array<number>(buckets).fill(0),
    queued: new Array<number>(buckets).fill(0),
  };
  let bucket = 0;
  let bucketEnd = start + bucketMs;
  const onProgress = config.onProgress;
  let arrived = 0;
  /** Closes every bucket that ends at or before `t`. */
  const advanceTo = (t: number): void => {
    while (t >= bucketEnd && bucket < buckets) {
      timeline.backlog[bucket] = unresolved;
      timeline.queued[bucket] = queuedCount;
      bucket++;
      bucketEnd += bucketMs;
      onProgress?.({
        at: bucketEnd - bucketMs,
        fraction: Math.min(1, (bucketEnd - bucketMs - start) / (end - start)),
        arrived,
        finished,
        steps,
      });
    }
  };
  const bucketOf = (t: number): number => Math.min(buckets - 1, Math.floor((t - start) / bucketMs));
  const count = (series: number[], t: number): void => {
    const index = bucketOf(t);
    series[index] = (series[index] ?? 0) + 1;
  };

  const future = new MinHeap<Happening>();
  let seq = 0;
  const schedule = (at: number, kind: Kind, inquiry: Inquiry | null, agent: Agent<Inquiry> | null = null): void => {
    future.push({ at, seq: seq++, kind, inquiry, agent, version: inquiry?.version ?? 0 });
  };

  // ---- the process -------------------------------------------------------------------------
  const finish = (inquiry: Inquiry, at: number): void => {
    if (inquiry.phase === Phase.Done) return;
    if (inquiry.entry !== null) leaveQueue(inquiry);
    if (inquiry.phase !== Phase.FollowUp) unresolved--;
    inquiry.phase = Phase.Done;
    inquiry.version++;
    finished++;
    const state = inquiry.state;
    inquiry.state = null;
    if (state !== null) record(inquiry.index, process.view(state, { at: Math.max(at, state.context.lastEventAt) }));
  };

  /** Sends one event; `null` when the process refused it (counted, story goes on). */
  const send = (inquiry: Inquiry, event: InquiryEventInit): readonly InquiryEffect[] | null => {
    const state = inquiry.state;
    if (state === null) return null;
    let step;
    try {
      step = sendEvent(state, event);
    } catch (error) {
      if (!(error instanceof ServiceFlowError)) throw error;
      rejected[event.type] = (rejected[event.type] ?? 0) + 1;
      return null;
    }
    steps++;
    inquiry.state = step.state;
    inquiry.wakeAt = step.wakeAt;
    const effects = step.effects;
    let ended = false;
    for (const effect of effects) {
      effectCount++;
      journal?.push(effect);
      onEffect?.(effect);
      if (effect.type === 'escalated' && effect.team !== undefined && desk.teams.has(effect.team))
        inquiry.team = effect.team;
      else if (effect.type === 'inquiry.closed' || effect.type === 'inquiry.cancelled') ended = true;
    }
    if (ended) finish(inquiry, Number(event.at));
    return effects;
  };

  const reopened = (effects: readonly InquiryEffect[] | null): boolean =>
    effects !== null && effects.some((e) => e.type === 'inquiry.reopened');

  // ---- queues and agents -------------------------------------------------------------------
  const leaveQueue = (inquiry: Inquiry): void => {
    const entry = inquiry.entry;
    if (entry === null) return;
    if (entry.live) queuedCount--;
    entry.live = false;
    inquiry.entry = null;
  };

  /**
   * Whether the agent is on shift at `at`. An agent found off shift keeps the start of its next
   * shift in `wakeAt`, and time only moves forward: until then the answer needs no calendar (at
   * night, every arrival asks every idle agent of its queue).
   */
  const isOnShift = (agent: Agent<Inquiry>, at: number): boolean => at >= agent.wakeAt && agent.shift.isOpen(at);

  const onShift = (agent: Agent<Inquiry>, at: number): boolean => {
    if (isOnShift(agent, at)) return true;
    if (at < agent.wakeAt) return false;
    const next = agent.shift.nextOpen(at);
    if (agent.wakeAt !== next) {
      agent.wakeAt = next;
      if (next < end) schedule(next, Kind.AgentWake, null, agent);
    }
    return false;
  };

  const enqueue = (inquiry: Inquiry, at: number): void => {
    inquiry.phase = Phase.Queued;
    const owner = inquiry.owner;
    let target: WorkQueue<Inquiry>;
    if (owner !== null && isOnShift(owner, at)) target = owner.personal;
    else {
      inquiry.owner = null;
      const teamName = inquiry.team === null ? null : teamQueue(inquiry.team, inquiry.channel);
      const teamTarget = teamName === null ? undefined : desk.queues.get(teamName);
      target =
        teamTarget !== undefined && teamTarget.agents.length > 0
          ? teamTarget
          : desk.queue(categoryQueue(inquiry.category, inquiry.channel));
    }
    const entry: QueueEntry<Inquiry> = {
      item: inquiry,
      at: at + PRIORITY_SLACK[inquiry.priority],
      seq: seq++,
      live: true,
    };
    inquiry.entry = entry;
    target.add(entry);
    queuedCount++;
    // Someone free and on shift takes it now; everyone else finds it when they are free.
    const agents = target.agents;
    const count = agents.length;
    for (let k = 0; k < count; k++) {
      const agent = agents[(target.cursor + k) % count];
      if (agent === undefined || agent.busy >= agent.capacity || !onShift(agent, at)) continue;
      target.cursor = (target.cursor + k + 1) % count;
      pullWork(agent, at);
      return;
    }
  };

  /** A free, on-shift agent takes the most urgent work it can do, until it is full. */
  const pullWork = (agent: Agent<Inquiry>, at: number): void => {
    while (agent.busy < agent.capacity) {
      const queue = bestWork(agent);
      if (queue === undefined) return;
      const entry = queue.take();
      if (entry === undefined) return;
      queuedCount--;
      const inquiry = entry.item;
      inquiry.entry = null;
      beginSession(agent, inquiry, at);
    }
  };

  const beginSession = (agent: Agent<Inquiry>, inquiry: Inquiry, at: number): void => {
    agent.busy++;
    inquiry.phase = Phase.Working;
    inquiry.sessions++;
    inquiry.sessionStartedAt = at;
    if (inquiry.owner !== agent) {
      inquiry.owner = agent;
      send(inquiry, { type: 'assign', agentId: agent.id, team: agent.team, at });
    }
    if (SYNCHRONOUS.has(inquiry.channel)) send(inquiry, { type: 'agent.reply', agentId: agent.id, at });
    schedule(at + Math.max(1, handling[inquiry.channel](random)), Kind.SessionEnd, inquiry, agent);
  };

  const resolve = (inquiry: Inquiry, at: number, resolution: string): void => {
    const effects = send(inquiry, { type: 'resolve', resolution, at });
    if (effects === null || inquiry.phase === Phase.Done) return;
    inquiry.phase = Phase.FollowUp;
    inquiry.resolvedAt = at;
    inquiry.version++;
    unresolved--;
    count(timeline.resolved, at);
    afterResolution(inquiry, at);
  };

  /** Schedules what the customer will still do in follow-up; with nothing, the story ends now. */
  const afterResolution = (inquiry: Inquiry, at: number): void => {
    let pending = 0;
    inquiry.surveyKind = inquiry.state?.context.feedback.survey?.kind ?? null;
    if (inquiry.surveyKind !== null && random.chance(surveys.responseRate)) {
      const delay = surveyDelay(random);
      if (delay < feedback.expireAfter) {
        schedule(at + feedback.sendAfter + delay, Kind.SurveyAnswer, inquiry);
        pending++;
      }
    }
    if (random.chance(customers.reopenRate)) {
      const delay = reopenDelay(random);
      if (delay < feedback.reopenWindow) {
        schedule(at + delay, Kind.FollowUpQuestion, inquiry);
        pending++;
      }
    }
    inquiry.followUps = pending;
    if (pending === 0) settle(inquiry);
  };

  /**
   * Plays out a follow-up that nothing else will touch: its closing tick goes out now, stamped
   * with its own later instant (capped at the end of the run). The process is pure and each
   * inquiry is on its own, so the result is the one a tick sent later would give, and a large run
   * can forget the inquiry at once instead of holding it through the reopen window.
   */
  const settle = (inquiry: Inquiry): void => {
    const closeBy = inquiry.resolvedAt + closeAfter;
    for (
      let round = 0;
      round < 64 && inquiry.phase === Phase.FollowUp && inquiry.wakeAt !== null && inquiry.wakeAt <= end;
      round++
    ) {
      send(inquiry, { type: 'tick', at: Math.min(end, Math.max(inquiry.wakeAt, closeBy)) });
    }
    if (inquiry.phase === Phase.FollowUp) retire(inquiry, end);
  };

  /** Records the view of an inquiry still open at `at` that nothing will change before the end. */
  const retire = (inquiry: Inquiry, at: number): void => {
    const state = inquiry.state;
    inquiry.state = null;
    inquiry.phase = Phase.Done;
    inquiry.version++;
    if (state !== null) record(inquiry.index, process.view(state, { at }));
  };

  const backToWork = (inquiry: Inquiry, at: number): void => {
    inquiry.version++;
    unresolved++;
    enqueue(inquiry, at);
  };

  const endSession = (agent: Agent<Inquiry>, inquiry: Inquiry, at: number): void => {
    agent.busy--;
    if (inquiry.phase === Phase.Working) {
      if (!SYNCHRONOUS.has(inquiry.channel)) send(inquiry, { type: 'agent.reply', agentId: agent.id, at });
      const resolves = inquiry.sessions >= work.maxSessions || random.chance(work.resolveRate);
      const escalates = !resolves && random.chance(work.escalateRate / Math.max(1e-9, 1 - work.resolveRate));
      if (work.contacts && inquiry.phase === Phase.Working) {
        send(inquiry, {
          type: 'contact.completed',
          contactId: `${inquiry.id}/${inquiry.sessions}`,
          channel: inquiry.channel,
          handleMs: at - inquiry.sessionStartedAt,
          resolved: resolves,
          at,
        });
      }
      if (inquiry.phase === Phase.Working) {
        if (resolves) resolve(inquiry, at, 'answered');
        else if (escalates) {
          send(inquiry, { type: 'escalate', reason: 'needs a specialist', at });
          if (inquiry.phase === Phase.Working) {
            inquiry.owner = null;
            enqueue(inquiry, at);
          }
        } else askCustomer(inquiry, at);
      }
    }
    if (onShift(agent, at)) pullWork(agent, at);
  };

  const askCustomer = (inquiry: Inquiry, at: number): void => {
    if (work.pendOnCustomer) send(inquiry, { type: 'pend', reason: 'customer', at });
    if (inquiry.phase === Phase.Done) return;
    inquiry.phase = Phase.Waiting;
    inquiry.version++;
    if (random.chance(customers.replyRate)) {
      const delay = replyDelay(random);
      if (delay < work.abandonAfter) {
        schedule(at + delay, Kind.CustomerReply, inquiry);
        return;
      }
    }
    schedule(at + work.abandonAfter, Kind.GiveUpWaiting, inquiry);
  };

  // ---- the loop ----------------------------------------------------------------------------
  const arrive = (index: number, at: number): void => {
    arrived++;
    count(timeline.arrivals, at);
    const channel = draw(random, channelMix);
    const priority = draw(random, priorityMix);
    const tier = draw(random, tierMix);
    const category = draw(random, categoryMix);
    const id = `Q-${index + 1}`;
    const step = startInquiry({
      id,
      channel,
      priority,
      category,
      customer: { id: returning.next(random.next()), tier },
      at,
    });
    steps++;
    const inquiry: Inquiry = {
      index,
      id,
      channel,
      category,
      priority,
      receivedAt: at,
      state: step.state,
      wakeAt: step.wakeAt,
      phase: Phase.Queued,
      owner: null,
      team: null,
      entry: null,
      sessions: 0,
      sessionStartedAt: at,
      followUps: 0,
      surveyKind: null,
      version: 0,
      resolvedAt: -1,
    };
    for (const effect of step.effects) {
      effectCount++;
      journal?.push(effect);
      onEffect?.(effect);
      if (effect.type === 'escalated' && effect.team !== undefined && desk.teams.has(effect.team))
        inquiry.team = effect.team;
    }
    if (live.length >= liveLimit) {
      // Drop finished inquiries so that a streamed run holds only the open ones.
      let kept = 0;
      for (const other of live) if (other.phase !== Phase.Done) live[kept++] = other;
      live.length = kept;
      liveLimit = Math.max(1024, kept * 2);
    }
    live.push(inquiry);
    unresolved++;
    if (random.chance(work.cancelRate)) schedule(at + random.int(2, 60) * MINUTE, Kind.Cancel, inquiry);
    enqueue(inquiry, at);
  };

  const live: Inquiry[] = [];
  let liveLimit = 1024;

  const happen = (h: Happening): void => {
    const inquiry = h.inquiry;
    const at = h.at;
    if (h.kind === Kind.AgentWake) {
      const agent = h.agent;
      if (agent === null) return;
      if (agent.wakeAt === at) agent.wakeAt = -1;
      if (onShift(agent, at)) pullWork(agent, at);
      return;
    }
    if (inquiry === null) return;
    if (h.kind === Kind.SessionEnd) {
      if (h.agent !== null) endSession(h.agent, inquiry, at);
      return;
    }
    if (inquiry.phase === Phase.Done || h.version !== inquiry.version) return;
    switch (h.kind) {
      case Kind.CustomerReply:
        send(inquiry, { type: 'customer.reply', at });
        if (inquiry.phase === Phase.Waiting) {
          inquiry.version++;
          enqueue(inquiry, at);
        }
        return;
      case Kind.GiveUpWaiting:
        if (inquiry.phase === Phase.Waiting) resolve(inquiry, at, 'no answer from the customer');
        return;
      case Kind.SurveyAnswer: {
        const kind = inquiry.surveyKind;
        if (inquiry.phase !== Phase.FollowUp || kind === null) return;
        const unhappy = inquiry.resolvedAt - inquiry.receivedAt > surveys.patience;
        const table = scores[kind];
        const score = random.pick(unhappy ? table.unhappy : table.happy) + table.base;
        if (reopened(send(inquiry, { type: 'feedback', kind, score, at })) && inquiry.phase === Phase.FollowUp)
          backToWork(inquiry, at);
        else if (--inquiry.followUps === 0 && inquiry.phase === Phase.FollowUp) settle(inquiry);
        return;
      }
      case Kind.FollowUpQuestion:
        if (inquiry.phase !== Phase.FollowUp) return;
        if (reopened(send(inquiry, { type: 'customer.reply', at })) && inquiry.phase === Phase.FollowUp)
          backToWork(inquiry, at);
        else if (--inquiry.followUps === 0 && inquiry.phase === Phase.FollowUp) settle(inquiry);
        return;
      case Kind.Cancel:
        if (inquiry.phase !== Phase.Queued) return;
        leaveQueue(inquiry);
        send(inquiry, { type: 'cancel', reason: 'spam or duplicate', at });
        return;
    }
  };

  for (const agent of desk.agents) onShift(agent, start);
  let next = 0;
  for (;;) {
    const upcoming = future.peek();
    const arrival = next < times.length ? (times[next] as number) : Infinity;
    if (upcoming !== undefined && upcoming.at < arrival) {
      if (upcoming.at >= end) break;
      future.pop();
      advanceTo(upcoming.at);
      happen(upcoming);
    } else {
      if (arrival >= end) break;
      advanceTo(arrival);
      arrive(next, arrival);
      next++;
    }
  }

  // Whatever is still open is read at the end, with every deadline due by then fired.
  for (const inquiry of live) {
    if (inquiry.phase === Phase.Done) continue;
    if (inquiry.wakeAt !== null && inquiry.wakeAt <= end) send(inquiry, { type: 'tick', at: end });
    if (isDone(inquiry) || inquiry.state === null) continue;
    record(inquiry.index, process.view(inquiry.state, { at: end }));
  }
  advanceTo(end);
  onProgress?.({ at: end, fraction: 1, arrived, finished, steps });

  const measured = !config.metrics ? null : keep ? views : metricViews;
  return {
    views,
    metrics: measured === null ? null : computeMetrics(measured, { calendar: process.policies.sla.calendar }),
    ...(journal === undefined ? {} : { journal: journal.sort((a, b) => a.at - b.at) }),
    timeline,
    stats: {
      inquiries: arrived,
      agents: desk.agents.length,
      steps,
      rejected,
      effects: effectCount,
      finished,
      start,
      end,
    },
  };
}

/**
 * Who an arrival comes from, from one uniform draw `u` per arrival: with probability `rate` a
 * customer of one of the last `recent` arrivals (someone coming back within days), else a new
 * customer. One draw, as the uniform pool it replaces took, so that the rest of a seeded run is
 * unchanged.
 */
function returningCustomers(rate: number, recent: number): { next(u: number): string } {
  const ring: string[] = [];
  let cursor = 0;
  let created = 0;
  return {
    next(u) {
      let id: string;
      if (u < rate && ring.length > 0)
        id = ring[Math.min(ring.length - 1, Math.floor((u / rate) * ring.length))] as string;
      else id = `C-${++created}`;
      if (ring.length < recent) ring.push(id);
      else ring[cursor] = id;
      cursor = (cursor + 1) % recent;
      return id;
    },
  };
}
