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
import { copyOfContext, factsOf } from './steps.js';

/** Whether a policy defines any metric as data (when not, nothing needs to be observed). */
export function observesMetrics(policy: SlaPolicy): boolean {
  return compiledMetrics(policy).length > 0;
}

interface ClockChange {
  readonly clock: SlaClock | undefined;
  /** A finished clock this change moved to the history (a new cycle began). */
  readonly finished?: SlaClock;
}

/** What one metric's definition makes of its clock on an observation. */
function observeOne(
  policy: SlaPolicy,
  metric: CompiledMetric,
  clock: SlaClock | undefined,
  targetMs: number | undefined,
  o: MetricObservation,
  at: number,
  context: { inquiryId: string; emit: EffectSink },
): ClockChange {
  let current = clock;
  let finished: SlaClock | undefined;
  const open = current !== undefined && isOpenClock(current);
  let starts = false;
  if (open && metric.cancel(o)) current = cancelClock(policy, current as SlaClock, at);
  else if (open && metric.restart(o)) {
    current = meetClock(policy, current as SlaClock, at, context);
    starts = true;
  } else if (open && metric.stop(o)) current = meetClock(policy, current as SlaClock, at, context);
  else if (!open && (metric.start(o) || metric.restart(o))) starts = true;
  if (starts && targetMs !== undefined) {
    finished = current;
    current = startClock(policy, metric.name, targetMs, at, at, context);
  }
  if (current !== undefined && isOpenClock(current)) current = pauseOrResume(policy, metric, current, o, at, context);
  return finished === undefined ? { clock: current } : { clock: current, finished };
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
export function observeMetrics(
  ctx: InquiryContext,
  o: MetricObservation,
  at: number,
  policy: SlaPolicy,
  emit: EffectSink,
): InquiryContext {
  const metrics = compiledMetrics(policy);
  if (metrics.length === 0) return ctx;
  const targets = policy.targetsFor(factsOf(ctx)) as Readonly<Record<string, number | undefined>>;
  const context = { inquiryId: ctx.id, emit };
  let clocks: SlaState['clocks'] | undefined;
  let history: SlaClock[] | undefined;
  for (const metric of metrics) {
    const clock = ctx.sla.clocks[metric.name];
    const change = observeOne(policy, metric, clock, targets[metric.name], o, at, context);
    if (change.clock === clock) continue;
    clocks ??= { ...ctx.sla.clocks };
    if (change.clock !== undefined) clocks[metric.name] = change.clock;
    if (change.finished !== undefined) (history ??= [...ctx.sla.history]).push(change.finished);
  }
  if (clocks === undefined) return ctx;
  const next = copyOfContext(ctx);
  next.sla = { clocks, history: history ?? ctx.sla.history };
  return next;
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
