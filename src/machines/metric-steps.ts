/**
 * The clocks of metrics defined as data (see `policies/sla-metrics.ts`): after each event (and at
 * the arrival) the process or the machine shows the step what happened — the event, the stage
 * before and after, the tags and the pending reason — and each definition decides whether its
 * clock starts, stops, restarts, is cancelled, pauses or resumes.
 */
import { compiledMetrics } from '../policies/sla.js';
import type { CompiledMetric, MetricObservation } from '../policies/sla-metrics.js';
import {
  cancelClock,
  isOpenClock,
  meetClock,
  pauseClock,
  resumeClock,
  startClock,
  type EffectSink,
} from '../policies/sla-clocks.js';
import type { InquiryContext, SlaClock, SlaState } from '../schemas/state.js';
import type { SlaPolicy } from '../policies/sla.js';
import { factsOf, type StepEnv } from './steps.js';

/** Whether a policy defines any metric as data (when not, nothing needs to be observed). */
export function observesMetrics(policy: SlaPolicy): boolean {
  return compiledMetrics(policy).length > 0;
}

/**
 * What one metric's triggers make of its clock on an observation: the clock as cancelled, met or
 * left, and whether a new cycle starts (the caller starts it when the metric has a target).
 */
function triggered(
  policy: SlaPolicy,
  metric: CompiledMetric,
  clock: SlaClock | undefined,
  o: MetricObservation,
  at: number,
  context: { inquiryId: string; emit: EffectSink },
): { readonly clock: SlaClock | undefined; readonly starts: boolean } {
  const open = clock !== undefined && isOpenClock(clock);
  if (!open) return { clock, starts: metric.start(o) || metric.restart(o) };
  if (metric.cancel(o)) return { clock: cancelClock(policy, clock, at), starts: false };
  if (metric.restart(o)) return { clock: meetClock(policy, clock, at, context), starts: true };
  if (metric.stop(o)) return { clock: meetClock(policy, clock, at, context), starts: false };
  return { clock, starts: false };
}

function pauseOrResume(
  policy: SlaPolicy,
  metric: CompiledMetric,
  clock: SlaClock,
  o: MetricObservation,
  at: number,
  context: { inquiryId: string; emit: EffectSink },
): SlaClock {
  const held = metric.pausedWhile(o);
  if (clock.since !== null) {
    if (held || metric.pauseOn(o)) return pauseClock(policy, clock, at, pauseReason(metric, o, held), context);
    return clock;
  }
  // Paused: conditions alone resume by themselves; a pause set off by an event waits for `resume`.
  if (held) return clock;
  return metric.resume(o) || !metric.pausesOnEvents ? resumeClock(policy, clock, at, context) : clock;
}

const pauseReason = (metric: CompiledMetric, o: MetricObservation, held: boolean): string =>
  held && o.pending !== null ? `pending.${o.pending}` : held ? `${metric.name}.paused` : o.event.type;

/**
 * Applies every defined metric of the policy to one observation, at `at`: returns the context with
 * the changed clocks (a finished clock a new cycle replaces goes to the history), or `ctx` itself
 * when nothing changed. Metrics without a target for the inquiry start no clock.
 */
export function observeMetrics(ctx: InquiryContext, o: MetricObservation, at: number, env: StepEnv): InquiryContext {
  const policy = env.policies.sla;
  const emit = env.emit;
  const metrics = compiledMetrics(policy);
  if (metrics.length === 0) return ctx;
  // The targets are looked up only when a clock starts (most observations start none).
  let targets: Readonly<Record<string, number | undefined>> | undefined;
  const context = { inquiryId: ctx.id, emit };
  let clocks: SlaState['clocks'] | undefined;
  let history: SlaClock[] | undefined;
  for (const metric of metrics) {
    const clock = ctx.sla.clocks[metric.name];
    let next = clock;
    // Most events name no trigger of most metrics: only the pause conditions need a look then.
    if (metric.triggerEvents.has(o.event.type) || (metric.watchesStages && o.stage !== o.from)) {
      const result = triggered(policy, metric, clock, o, at, context);
      next = result.clock;
      const targetMs = result.starts ? (targets ??= policy.targetsFor(factsOf(ctx)))[metric.name] : undefined;
      if (targetMs !== undefined) {
        if (next !== undefined) (history ??= [...ctx.sla.history]).push(next);
        next = startClock(policy, metric.name, targetMs, at, at, context);
      }
      if (next !== undefined && isOpenClock(next)) next = pauseOrResume(policy, metric, next, o, at, context);
    } else if (next !== undefined && metric.hasConditions && isOpenClock(next)) {
      next = pauseOrResume(policy, metric, next, o, at, context);
    }
    if (next === clock || next === undefined) continue;
    clocks ??= { ...ctx.sla.clocks };
    clocks[metric.name] = next;
  }
  if (clocks === undefined) return ctx;
  const result = env.copy(ctx);
  result.sla = { clocks, history: history ?? ctx.sla.history };
  return result;
}

/** The observation of a step: the event, the stage before it, and the state it left. */
export function observation(
  event: { readonly type: string } & Readonly<Record<string, unknown>>,
  from: string,
  ctx: InquiryContext,
  tags: ReadonlySet<string>,
): MetricObservation {
  return { event, from, stage: ctx.stage, tags, pending: ctx.pendingReason };
}
