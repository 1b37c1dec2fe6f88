/**
 * The mechanics of SLA clocks: pure functions from a clock, a policy and an instant to the next
 * clock plus the effects that happened. Business time is counted on the policy's calendar.
 */
import type { InquiryEffect } from '../schemas/effects.js';
import type { SlaClock, SlaMetric, SlaMetricName, SlaState } from '../schemas/state.js';
import { assignFields, EMPTY_LIST } from '../internal/records.js';
import type { SlaPolicy } from './sla.js';

/** Collects the effects of one step, in order. */
export type EffectSink = (effect: InquiryEffect) => void;

/**
 * The classic clocks, in the order in which clocks are visited (so that simultaneous deadlines fire
 * deterministically); the clocks of defined metrics follow in the order they were created.
 */
export const slaMetrics: readonly SlaMetric[] = ['firstResponse', 'nextResponse', 'resolution'];

/** Whether a metric is one of the classic three (which have mechanics of their own). */
export const isClassicMetric = (metric: string): metric is SlaMetric =>
  metric === 'firstResponse' || metric === 'nextResponse' || metric === 'resolution';

/** The metric names of a slice's clocks in visiting order: the classic three first, then the rest. */
export function clockNames(clocks: SlaState['clocks']): SlaMetricName[] {
  const names: SlaMetricName[] = [];
  for (const metric of slaMetrics) if (clocks[metric] !== undefined) names.push(metric);
  for (const metric in clocks) if (!isClassicMetric(metric)) names.push(metric);
  return names;
}

/**
 * A copy of a clock with every field of `SlaClock`, in the schema's order (optional ones
 * `undefined` when unset), with `fields` set: one object literal, so that every clock has one
 * object shape (see `inquiryContextCopy` in `engine/context-copies.ts`). A field "removed" from a
 * clock is set to `undefined`, which JSON leaves out.
 */
function clockWith(c: SlaClock, fields: { readonly [K in keyof SlaClock]?: SlaClock[K] | undefined }): SlaClock {
  const copy = {
    metric: c.metric,
    status: c.status,
    startedAt: c.startedAt,
    targetMs: c.targetMs,
    elapsedMs: c.elapsedMs,
    since: c.since,
    dueAt: c.dueAt,
    warnAt: c.warnAt,
    warnings: c.warnings,
    metAt: c.metAt,
    breachedAt: c.breachedAt,
    pausedAt: c.pausedAt,
    stoppedAt: c.stoppedAt,
  } as SlaClock;
  return assignFields(copy, fields);
}

/**
 * The frozen JSON copy of a clock (see `frozenJsonOf` in `internal/json-copies.ts`): its fields in
 * the schema's order, unset optional ones left out, as `JSON.parse(JSON.stringify(clock))` gives.
 */
function clockJson(c: SlaClock): SlaClock {
  const copy: SlaClock = {
    metric: c.metric,
    status: c.status,
    startedAt: c.startedAt,
    targetMs: c.targetMs,
    elapsedMs: c.elapsedMs,
    since: c.since,
    dueAt: c.dueAt,
    warnAt: c.warnAt,
    warnings: c.warnings,
  };
  if (c.metAt !== undefined) copy.metAt = c.metAt;
  if (c.breachedAt !== undefined) copy.breachedAt = c.breachedAt;
  if (c.pausedAt !== undefined) copy.pausedAt = c.pausedAt;
  if (c.stoppedAt !== undefined) copy.stoppedAt = c.stoppedAt;
  return Object.freeze(copy);
}

/**
 * The frozen JSON copy of an SLA slice whose clocks have the fixed shape of `clockWith`. Clocks
 * identical to those of `earlier` are taken from `earlierCopy`, its copy.
 */
export function slaJson(sla: SlaState, earlier: SlaState | undefined, earlierCopy: SlaState | undefined): SlaState {
  const clocks: SlaState['clocks'] = {};
  for (const metric in sla.clocks) {
    const clock = sla.clocks[metric];
    if (clock === undefined) continue;
    const kept = earlier?.clocks[metric] === clock ? earlierCopy?.clocks[metric] : undefined;
    clocks[metric] = kept ?? clockJson(clock);
  }
  let history = earlier?.history === sla.history ? earlierCopy?.history : undefined;
  if (history === undefined && sla.history.length === 0) history = EMPTY_LIST;
  if (history === undefined) {
    const copies = new Array<SlaClock>(sla.history.length);
    for (let index = 0; index < copies.length; index++) {
      const clock = sla.history[index] as SlaClock;
      const kept = earlier?.history[index] === clock ? earlierCopy?.history[index] : undefined;
      copies[index] = kept ?? clockJson(clock);
    }
    history = Object.freeze(copies) as SlaClock[];
  }
  const copy: SlaState = { clocks: Object.freeze(clocks), history };
  // The engine makes `waiting` JSON-exact (whole epoch ms, absent when empty) and never changes it.
  if (sla.waiting !== undefined) copy.waiting = Object.freeze(sla.waiting);
  return Object.freeze(copy);
}

const isCounting = (clock: SlaClock): boolean => clock.since !== null;
/** Whether a clock still owes something (not met or cancelled; a breached clock may still count). */
export const isOpenClock = (clock: SlaClock): boolean =>
  clock.status === 'running' ||
  clock.status === 'paused' ||
  (clock.status === 'breached' && clock.metAt === undefined && clock.stoppedAt === undefined);

/** Business time a clock has counted up to `at`. */
export function elapsedAt(policy: SlaPolicy, clock: SlaClock, at: number): number {
  return clock.since === null
    ? clock.elapsedMs
    : clock.elapsedMs + policy.calendar.businessTimeBetween(clock.since, at);
}

/** Recomputes `dueAt` and `warnAt` of a counting clock from its `since` and `elapsedMs`. */
function schedule(policy: SlaPolicy, clock: SlaClock): SlaClock {
  if (clock.since === null) return clockWith(clock, { warnAt: null });
  const fraction = policy.warnAt[clock.warnings];
  const warnAt =
    clock.status === 'running' && fraction !== undefined
      ? instantAfter(policy, clock.since, Math.round(fraction * clock.targetMs) - clock.elapsedMs)
      : null;
  const dueAt =
    clock.status === 'breached' ? clock.dueAt : instantAfter(policy, clock.since, clock.targetMs - clock.elapsedMs);
  return clockWith(clock, { dueAt, warnAt });
}

/** The instant `businessMs` of business time after `since` (`since` itself when nothing is left). */
function instantAfter(policy: SlaPolicy, since: number, businessMs: number): number {
  return businessMs <= 0 ? since : policy.calendar.addBusinessTime(since, businessMs);
}

/** Moves the counted time of a counting clock up to `at` (and keeps it counting from there). */
function settle(policy: SlaPolicy, clock: SlaClock, at: number): SlaClock {
  if (clock.since === null) return clock;
  return clockWith(clock, { elapsedMs: elapsedAt(policy, clock, at), since: at });
}

/** A new clock counting from `startedAt`, with `elapsedMs` already counted up to `at`. */
export function startClock(
  policy: SlaPolicy,
  metric: SlaMetricName,
  targetMs: number,
  startedAt: number,
  at: number,
  context: { inquiryId: string; emit: EffectSink },
): SlaClock {
  const elapsedMs = startedAt < at ? policy.calendar.businessTimeBetween(startedAt, at) : 0;
  let clock = clockWith(
    { metric, status: 'running', startedAt, targetMs, elapsedMs, since: at, dueAt: null, warnAt: null, warnings: 0 },
    {},
  );
  // Warnings whose moment already passed before the clock existed are skipped, not replayed.
  while (
    policy.warnAt[clock.warnings] !== undefined &&
    Math.round(policy.warnAt[clock.warnings]! * targetMs) < elapsedMs
  ) {
    clock = clockWith(clock, { warnings: clock.warnings + 1 });
  }
  clock = schedule(policy, clock);
  context.emit({ type: 'sla.started', inquiryId: context.inquiryId, at, metric, targetMs, dueAt: clock.dueAt });
  return clock;
}

/** Stops a counting clock for a while. A breached clock stays breached. */
export function pauseClock(
  policy: SlaPolicy,
  clock: SlaClock,
  at: number,
  reason: string,
  context: { inquiryId: string; emit: EffectSink },
): SlaClock {
  if (!isCounting(clock) || !isOpenClock(clock)) return clock;
  const settled = settle(policy, clock, at);
  const paused = clockWith(settled, {
    since: null,
    status: clock.status === 'breached' ? 'breached' : 'paused',
    dueAt: clock.status === 'breached' ? clock.dueAt : null,
    warnAt: null,
    pausedAt: at,
  });
  context.emit({ type: 'sla.paused', inquiryId: context.inquiryId, at, metric: clock.metric, reason });
  return paused;
}

/** Lets a paused clock count again from `at`. */
export function resumeClock(
  policy: SlaPolicy,
  clock: SlaClock,
  at: number,
  context: { inquiryId: string; emit: EffectSink },
): SlaClock {
  if (isCounting(clock) || !isOpenClock(clock)) return clock;
  const resumed = schedule(
    policy,
    clockWith(clock, { pausedAt: undefined, since: at, status: clock.status === 'breached' ? 'breached' : 'running' }),
  );
  context.emit({ type: 'sla.resumed', inquiryId: context.inquiryId, at, metric: clock.metric, dueAt: resumed.dueAt });
  return resumed;
}

/** Completes a clock at `at`: `met`, or still `breached` with `metAt` when late. */
export function meetClock(
  policy: SlaPolicy,
  clock: SlaClock,
  at: number,
  context: { inquiryId: string; emit: EffectSink },
): SlaClock {
  if (!isOpenClock(clock)) return clock;
  const elapsedMs = elapsedAt(policy, clock, at);
  // Late means over target, whatever fired when: met at the due instant itself is on time.
  const late = elapsedMs > clock.targetMs;
  // Settles and stops in one copy (`settle` then this would copy the clock twice).
  const met = clockWith(clock, {
    pausedAt: undefined,
    elapsedMs,
    since: null,
    warnAt: null,
    status: clock.status === 'breached' ? 'breached' : 'met',
    metAt: at,
    stoppedAt: at,
  });
  context.emit({
    type: 'sla.met',
    inquiryId: context.inquiryId,
    at,
    metric: clock.metric,
    elapsedMs: met.elapsedMs,
    targetMs: met.targetMs,
    late,
  });
  return met;
}

/** Stops a clock that no longer applies. A clock that breached stays breached. */
export function cancelClock(policy: SlaPolicy, clock: SlaClock, at: number): SlaClock {
  if (!isOpenClock(clock)) return clock;
  const settled = settle(policy, clock, at);
  return clockWith(settled, {
    since: null,
    warnAt: null,
    status: clock.status === 'breached' ? 'breached' : 'cancelled',
    dueAt: clock.status === 'paused' ? null : settled.dueAt,
    stoppedAt: at,
  });
}

/**
 * Whether a clock's cycle ended by its stop trigger (met, on time or after a breach), so that a
 * reopen may make it count again. A cancelled cycle (also a breached one) stays ended.
 */
export const isReopenable = (clock: SlaClock): boolean =>
  clock.status === 'met' || (clock.status === 'breached' && clock.metAt !== undefined);

/** Reopens a met clock (the resolution clock on reopen): it counts again from `at`. */
export function reopenClock(
  policy: SlaPolicy,
  clock: SlaClock,
  at: number,
  context: { inquiryId: string; emit: EffectSink },
): SlaClock {
  if (!isReopenable(clock)) return clock;
  const reopened = schedule(
    policy,
    clockWith(clock, {
      metAt: undefined,
      stoppedAt: undefined,
      since: at,
      status: clock.status === 'breached' ? 'breached' : 'running',
    }),
  );
  context.emit({ type: 'sla.resumed', inquiryId: context.inquiryId, at, metric: clock.metric, dueAt: reopened.dueAt });
  return reopened;
}

/** Gives an open clock a new target, counted from its original start. */
export function retargetClock(policy: SlaPolicy, clock: SlaClock, targetMs: number, at: number): SlaClock {
  if (!isOpenClock(clock) || clock.targetMs === targetMs) return clock;
  const settled = settle(policy, clock, at);
  // Warning fractions already passed under the new target count as fired: no burst of stale warnings.
  let warnings = 0;
  while (policy.warnAt[warnings] !== undefined && Math.round(policy.warnAt[warnings]! * targetMs) < settled.elapsedMs)
    warnings++;
  return schedule(policy, clockWith(settled, { targetMs, warnings }));
}

/** The next instant at which this clock acts (a warning or the breach), or `null`. */
export function clockDeadline(clock: SlaClock): number | null {
  if (clock.since === null) return null;
  const breachAt = clock.status === 'running' ? clock.dueAt : null;
  if (clock.warnAt === null) return breachAt;
  if (breachAt === null) return clock.warnAt;
  return Math.min(clock.warnAt, breachAt);
}

/** Fires what is due on this clock at `at` (a warning, the breach, or both), in that order. */
export function fireClock(
  policy: SlaPolicy,
  clock: SlaClock,
  at: number,
  context: { inquiryId: string; emit: EffectSink },
): SlaClock {
  let current = clock;
  while (current.since !== null && current.warnAt !== null && current.warnAt <= at && current.status === 'running') {
    const fraction = policy.warnAt[current.warnings] ?? 1;
    const next = schedule(policy, clockWith(current, { warnings: current.warnings + 1 }));
    context.emit({
      type: 'sla.warning',
      inquiryId: context.inquiryId,
      at,
      metric: current.metric,
      fraction,
      dueAt: current.dueAt,
      remainingMs: Math.max(0, current.targetMs - elapsedAt(policy, current, at)),
    });
    current = next;
  }
  if (current.since !== null && current.status === 'running' && current.dueAt !== null && current.dueAt <= at) {
    current = clockWith(current, { status: 'breached', breachedAt: at, warnAt: null });
    context.emit({
      type: 'sla.breached',
      inquiryId: context.inquiryId,
      at,
      metric: current.metric,
      dueAt: current.dueAt ?? at,
    });
  }
  return current;
}
