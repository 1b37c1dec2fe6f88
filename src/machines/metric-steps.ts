/**
 * The SLA clock engine: every metric — the classic three, the built-in ones and a policy's own — is
 * a definition (see `policies/sla-metrics.ts`), and this is where definitions meet the steps. A
 * service action shows the metrics whose triggers name it what it did (`runMetricAction`); after
 * each event, the observation shows the metrics that watch events, stages and tags what happened
 * (`observeMetrics`). Each definition then decides whether its clock starts, stops, restarts,
 * reopens, is cancelled, pauses or resumes; the clock mechanics are `policies/sla-clocks.ts`.
 */
import { compiledMetrics } from '../policies/sla.js';
import type { CompiledMetric, MetricObservation } from '../policies/sla-metrics.js';
import {
  cancelClock,
  isOpenClock,
  isReopenable,
  meetClock,
  pauseClock,
  reopenClock,
  resumeClock,
  startClock,
  isClassicMetric,
  type EffectSink,
} from '../policies/sla-clocks.js';
import type { InquiryContext, SlaClock, SlaState } from '../schemas/state.js';
import type { SlaPolicy } from '../policies/sla.js';
import { factsOf, type StepEnv } from './step-env.js';

/** The service actions that change the pending reason: pending conditions are looked at after them. */
const pendingActions: readonly string[] = ['pend', 'resumeWork', 'resolve'];

/** A policy's metrics, indexed by what sets them off. */
interface MetricIndex {
  /** The metrics each service action concerns, in visiting order. */
  readonly byAction: ReadonlyMap<string, readonly CompiledMetric[]>;
  /** The metrics that watch events, stages or tags (the observation after each event). */
  readonly observing: readonly CompiledMetric[];
}

const indexes = new WeakMap<SlaPolicy, MetricIndex>();

function indexOf(policy: SlaPolicy): MetricIndex {
  let index = indexes.get(policy);
  if (index === undefined) {
    const metrics = compiledMetrics(policy);
    const byAction = new Map<string, CompiledMetric[]>();
    for (const metric of metrics) {
      const actions = new Set(metric.actions);
      if (metric.watchesPending) for (const action of pendingActions) actions.add(action);
      for (const action of actions) {
        const list = byAction.get(action) ?? [];
        list.push(metric);
        byAction.set(action, list);
      }
    }
    index = { byAction, observing: metrics.filter((metric) => metric.observes) };
    indexes.set(policy, index);
  }
  return index;
}

/** Whether a policy has metrics that watch events, stages or tags (when not, nothing is observed). */
export function observesMetrics(policy: SlaPolicy): boolean {
  return indexOf(policy).observing.length > 0;
}

interface ClockContext {
  readonly inquiryId: string;
  readonly emit: EffectSink;
}

/**
 * What one metric's triggers make of an open clock on an observation: cancelled, met (by a stop or
 * a restart: the caller starts the new cycle of a restart) or left as it was.
 */
function triggeredOpen(
  policy: SlaPolicy,
  metric: CompiledMetric,
  clock: SlaClock,
  o: MetricObservation,
  at: number,
  context: ClockContext,
): SlaClock {
  if (metric.cancel(o)) return cancelClock(policy, clock, at);
  if (metric.restart(o) || metric.stop(o)) return meetClock(policy, clock, at, context);
  return clock;
}

function pauseOrResume(
  policy: SlaPolicy,
  metric: CompiledMetric,
  clock: SlaClock,
  o: MetricObservation,
  at: number,
  context: ClockContext,
): SlaClock {
  const held = metric.pausedWhile(o);
  if (clock.since !== null) {
    if (held || metric.pauseOn(o)) return pauseClock(policy, clock, at, pauseReason(metric, o, held), context);
    return clock;
  }
  // Paused: conditions alone resume by themselves; a pause set off by a trigger waits for `resume`.
  if (held) return clock;
  return metric.resume(o) || !metric.pausesOnEvents ? resumeClock(policy, clock, at, context) : clock;
}

const pauseReason = (metric: CompiledMetric, o: MetricObservation, held: boolean): string =>
  held && o.pending !== null ? `pending.${o.pending}` : held ? `${metric.name}.paused` : (o.action ?? o.event.type);

/**
 * Applies `metrics` to one observation, at `at`: returns the context with the changed clocks (a
 * finished clock a new cycle replaces goes to the history), or `ctx` itself when nothing changed.
 * `owned`: `ctx` is a copy this step made, which may take the clocks in place. `watch`: visit
 * only the metrics whose triggers this observation can set off, and the others' conditions.
 */
function applyMetrics(
  ctx: InquiryContext,
  metrics: readonly CompiledMetric[],
  o: MetricObservation,
  at: number,
  env: StepEnv,
  owned: boolean,
  watch: boolean,
): InquiryContext {
  const policy = env.policies.sla;
  // The targets are looked up only when a clock starts (most observations start none).
  let targets: Readonly<Record<string, number | undefined>> | undefined;
  const context: ClockContext = { inquiryId: ctx.id, emit: env.emit };
  let clocks: SlaState['clocks'] | undefined;
  let history: SlaClock[] | undefined;
  let waiting: Record<string, number> | undefined;
  for (const metric of metrics) {
    const clock = ctx.sla.clocks[metric.name];
    let next = clock;
    // After an event, most name no trigger of most metrics: only the pause conditions need a look.
    if (!watch || metric.triggerEvents.has(o.event.type) || (metric.watchesStages && o.stage !== o.from)) {
      // A new cycle starts on a start or restart trigger when there is no open clock, and on a
      // restart of an open one (met first); a finished clock may be reopened instead.
      let starts: boolean;
      if (clock === undefined) starts = metric.start(o) || metric.restart(o);
      else if (isOpenClock(clock)) {
        starts = !metric.cancel(o) && metric.restart(o);
        next = triggeredOpen(policy, metric, clock, o, at, context);
      } else if (isReopenable(clock) && metric.reopen(o)) {
        starts = false;
        next = reopenClock(policy, clock, at, context);
      } else starts = metric.start(o) || metric.restart(o);
      const targetMs = starts ? (targets ??= policy.targetsFor(factsOf(ctx)))[metric.name] : undefined;
      if (targetMs !== undefined) {
        if (next !== undefined) (history ??= [...ctx.sla.history]).push(next);
        next = startClock(policy, metric.name, targetMs, at, at, context);
      }
      // A cycle without a target waits, remembering when it started, for a target that a priority
      // or category change may give it (`retarget` in steps.ts); its stop or cancel ends the wait.
      const since = (waiting ?? ctx.sla.waiting)?.[metric.name];
      if (starts && targetMs === undefined && !isClassicMetric(metric.name)) {
        if (since === undefined || metric.restart(o)) (waiting = waitingCopy(ctx.sla, waiting))[metric.name] = at;
      } else if (since !== undefined && (targetMs !== undefined || metric.stop(o) || metric.cancel(o))) {
        delete (waiting = waitingCopy(ctx.sla, waiting))[metric.name];
      }
    }
    if (next !== undefined && isOpenClock(next)) next = pauseOrResume(policy, metric, next, o, at, context);
    if (next === clock || next === undefined) continue;
    clocks ??= { ...ctx.sla.clocks };
    clocks[metric.name] = next;
  }
  if (clocks === undefined && waiting === undefined) return ctx;
  const result = owned ? ctx : env.copy(ctx);
  result.sla = slaState(clocks ?? ctx.sla.clocks, history ?? ctx.sla.history, waiting ?? ctx.sla.waiting);
  return result;
}

/** An SLA slice; `waiting` is left out when it names no metric (the slice is JSON-exact). */
export function slaState(
  clocks: SlaState['clocks'],
  history: SlaState['history'],
  waiting: SlaState['waiting'],
): SlaState {
  const sla: SlaState = { clocks, history };
  if (waiting !== undefined && Object.keys(waiting).length > 0) sla.waiting = waiting;
  return sla;
}

/** `waiting` itself once this step copied it, else a copy of the slice's (empty when it has none). */
function waitingCopy(sla: SlaState, waiting: Record<string, number> | undefined): Record<string, number> {
  return waiting ?? { ...sla.waiting };
}

const NO_TAGS: ReadonlySet<string> = new Set();

/**
 * The metrics react to a service action (`'receive'`, `'recordAgentReply'`, `'resolve'`, …) that
 * left the inquiry as `ctx`. `owned`: `ctx` is a copy this step made (its clocks may be replaced
 * in place).
 */
export function runMetricAction(
  ctx: InquiryContext,
  action: string,
  at: number,
  env: StepEnv,
  owned: boolean,
): InquiryContext {
  const metrics = indexOf(env.policies.sla).byAction.get(action);
  if (metrics === undefined) return ctx;
  return applyMetrics(
    ctx,
    metrics,
    observation({ type: action }, ctx.stage, ctx, NO_TAGS, action),
    at,
    env,
    owned,
    false,
  );
}

/**
 * Pauses the clock of `metric` that just started (back-dated: see `waiting` in `SlaState`) when
 * its pause conditions hold now, e.g. a requester wait time while the inquiry waits on the customer.
 */
export function pauseIfHeld(ctx: InquiryContext, metric: string, at: number, env: StepEnv): InquiryContext {
  const policy = env.policies.sla;
  const compiled = compiledMetrics(policy).find((candidate) => candidate.name === metric);
  const clock = ctx.sla.clocks[metric];
  if (compiled === undefined || clock === undefined || !isOpenClock(clock)) return ctx;
  const o = observation({ type: 'retarget' }, ctx.stage, ctx, NO_TAGS);
  if (!compiled.pausedWhile(o)) return ctx;
  const paused = pauseClock(policy, clock, at, pauseReason(compiled, o, true), { inquiryId: ctx.id, emit: env.emit });
  const next = env.copy(ctx);
  next.sla = { ...ctx.sla, clocks: { ...ctx.sla.clocks, [metric]: paused } };
  return next;
}

/**
 * The metrics that watch events, stages and tags react to one observation (after an event), at
 * `at`: returns the context with the changed clocks, or `ctx` itself when nothing changed.
 */
export function observeMetrics(ctx: InquiryContext, o: MetricObservation, at: number, env: StepEnv): InquiryContext {
  const metrics = indexOf(env.policies.sla).observing;
  return metrics.length === 0 ? ctx : applyMetrics(ctx, metrics, o, at, env, false, true);
}

/**
 * The observation of a step: the event, the stage before it, and the state it left; `action`, the
 * service action that ran (inside a step, where the stage has not changed and no tags are known).
 */
export function observation(
  event: { readonly type: string } & Readonly<Record<string, unknown>>,
  from: string,
  ctx: InquiryContext,
  tags: ReadonlySet<string>,
  action?: string,
): MetricObservation {
  return {
    action,
    event,
    from,
    stage: ctx.stage,
    tags,
    pending: ctx.pendingReason,
    replied: ctx.firstRespondedAt !== undefined,
    resolved: ctx.resolvedAt !== null,
  };
}
