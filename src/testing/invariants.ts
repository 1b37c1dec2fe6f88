/**
 * `checkInvariants`: the rules every inquiry process must keep, whatever its policies — checked on
 * views, persisted states, traces of steps (`applyEvents`) or a simulation's result.
 */
import { inquiryMachine } from '../machines/inquiry.js';
import { createProcess, type ServiceProcess } from '../process/createProcess.js';
import type { InquiryView, SlaClockView } from '../process/view.js';
import { feedbackScales } from '../schemas/inquiry.js';
import type { InquiryStage, PersistedState } from '../schemas/state.js';
import type { InquiryTrace } from './apply-events.js';

/**
 * One broken rule: which inquiry, which rule, and what was seen.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { findViolations } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at: 0 });
 * for (const { inquiryId, rule, message } of findViolations(process.view(state))) console.log(inquiryId, rule, message);
 * ```
 */
export interface InvariantViolation {
  readonly inquiryId: string;
  /** A stable name of the rule, e.g. `'sla.met-has-metAt'`. */
  readonly rule: string;
  readonly message: string;
  /** The step of a trace where it was seen (0 = `start`), when checking a trace. */
  readonly step?: number;
}

/**
 * Thrown by {@link checkInvariants}: every violation found, the first ones in the message.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { checkInvariants, InvariantError } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * const { state } = process.start({ id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at: 0 });
 * try {
 *   checkInvariants({ ...process.view(state), wakeAt: -1 }); // a wake-up before the last event
 * } catch (error) {
 *   if (error instanceof InvariantError) console.log(error.violations.map((v) => v.rule)); // ['time.wakeAt-ahead']
 * }
 * ```
 */
export class InvariantError extends Error {
  readonly violations: readonly InvariantViolation[];

  constructor(violations: readonly InvariantViolation[]) {
    const lines = violations
      .slice(0, 10)
      .map((v) => `  - ${v.inquiryId}${v.step === undefined ? '' : ` (step ${v.step})`} [${v.rule}] ${v.message}`);
    const more = violations.length > 10 ? `\n  … and ${violations.length - 10} more` : '';
    super(`${violations.length} invariant violation${violations.length === 1 ? '' : 's'}:\n${lines.join('\n')}${more}`);
    this.name = 'InvariantError';
    this.violations = violations;
  }
}

/**
 * Options of {@link checkInvariants}.
 *
 * @example
 * ```ts
 * import { createProcess, escalationPolicy, inquiryMachine } from 'serviceflow';
 * import { checkInvariants } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine, { escalation: escalationPolicy({ levels: [{ name: 'agent' }, { name: 'lead' }] }) });
 * const { state } = process.start({ id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at: 0 });
 * checkInvariants([state], { process }); // read the states through your process, bound by its escalation levels
 * ```
 */
export interface InvariantOptions {
  /**
   * The process the subject came from: its escalation levels bound `escalation.level`, and
   * persisted states are read through it. Default: the built-in inquiry process.
   */
  readonly process?: ServiceProcess<typeof inquiryMachine>;
}

/**
 * A simulation result, or anything else with views and an optional effect journal.
 *
 * @example
 * ```ts
 * import { checkInvariants, simulate } from 'serviceflow/testing';
 * checkInvariants(simulate({ inquiries: 100, days: 2, journal: true })); // a result is views and a journal
 * ```
 */
export interface ViewsAndJournal {
  readonly views: readonly InquiryView[];
  readonly journal?: readonly { readonly type: string; readonly inquiryId: string; readonly at: number }[];
}

/**
 * What {@link checkInvariants} can check.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { applyEvents, type InvariantSubject } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * const input = { id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at: 0 } as const;
 * const { state } = process.start(input);
 * const view = process.view(state);
 * const trace = applyEvents(process, input, [{ type: 'resolve', at: 1_000 }]);
 * const subjects: InvariantSubject[] = [view, [view], state, trace, { views: [view] }];
 * ```
 */
export type InvariantSubject =
  | InquiryView
  | readonly InquiryView[]
  | PersistedState
  | readonly PersistedState[]
  | InquiryTrace
  | readonly InquiryTrace[]
  | ViewsAndJournal;

const STAGE_RANK: Readonly<Record<InquiryStage, number>> = {
  inquiry: 0,
  identification: 1,
  resolution: 2,
  followUp: 3,
  closed: 4,
  cancelled: 4,
};
const OPEN_STAGES: ReadonlySet<string> = new Set(['inquiry', 'identification', 'resolution', 'followUp']);

type Report = (rule: string, message: string) => void;

const iso = (ms: number | undefined): string =>
  ms === undefined ? 'undefined' : Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);

function checkClock(name: string, clock: SlaClockView, view: InquiryView, report: Report): void {
  const where = `sla.${name}`;
  if (clock.elapsedMs < 0 || clock.targetMs < 0)
    report('sla.non-negative', `${where} has elapsedMs ${clock.elapsedMs}, targetMs ${clock.targetMs}`);
  if (clock.startedAt < view.receivedAt)
    report(
      'sla.starts-after-receipt',
      `${where} started at ${iso(clock.startedAt)}, before the inquiry was received (${iso(view.receivedAt)})`,
    );
  switch (clock.status) {
    case 'running':
      if (clock.dueAt === null) report('sla.running-has-dueAt', `${where} is running without a due time`);
      if (clock.metAt !== undefined || clock.breachedAt !== undefined)
        report('sla.running-is-unfinished', `${where} is running but has metAt/breachedAt`);
      break;
    case 'paused':
      if (clock.dueAt !== null)
        report('sla.paused-has-no-dueAt', `${where} is paused but has dueAt ${iso(clock.dueAt)}`);
      if (clock.metAt !== undefined || clock.breachedAt !== undefined)
        report('sla.paused-is-unfinished', `${where} is paused but has metAt/breachedAt`);
      break;
    case 'met':
      if (clock.metAt === undefined) report('sla.met-has-metAt', `${where} is met without metAt`);
      else if (clock.metAt < clock.startedAt)
        report(
          'sla.met-after-start',
          `${where} met at ${iso(clock.metAt)}, before it started (${iso(clock.startedAt)})`,
        );
      if (clock.breachedAt !== undefined)
        report(
          'sla.met-never-breached',
          `${where} is met but breached at ${iso(clock.breachedAt)} (a breached clock stays breached)`,
        );
      if (clock.elapsedMs > clock.targetMs)
        report(
          'sla.met-within-target',
          `${where} is met after ${clock.elapsedMs} ms, beyond its target of ${clock.targetMs} ms`,
        );
      break;
    case 'breached':
      if (clock.breachedAt === undefined)
        report('sla.breached-has-breachedAt', `${where} is breached without breachedAt`);
      else {
        if (clock.breachedAt < clock.startedAt)
          report(
            'sla.breached-after-start',
            `${where} breached at ${iso(clock.breachedAt)}, before it started (${iso(clock.startedAt)})`,
          );
        if (clock.breachedAt > view.lastEventAt)
          report(
            'sla.breached-in-the-past',
            `${where} breached at ${iso(clock.breachedAt)}, after the last event (${iso(view.lastEventAt)})`,
          );
        if (clock.metAt !== undefined && clock.metAt < clock.breachedAt)
          report(
            'sla.late-met-after-breach',
            `${where} met at ${iso(clock.metAt)} before it breached (${iso(clock.breachedAt)})`,
          );
      }
      break;
    case 'cancelled':
      if (clock.metAt !== undefined) report('sla.cancelled-not-met', `${where} is cancelled but has metAt`);
      break;
  }
  if (clock.metAt !== undefined && clock.metAt > view.lastEventAt)
    report(
      'sla.met-in-the-past',
      `${where} met at ${iso(clock.metAt)}, after the last event (${iso(view.lastEventAt)})`,
    );
}

function checkTimestamps(view: InquiryView, report: Report): void {
  const stamps: [string, number | undefined][] = [
    ['acknowledgedAt', view.acknowledgedAt],
    ['firstRespondedAt', view.firstRespondedAt],
    ['resolvedAt', view.resolvedAt],
    ['closedAt', view.closedAt],
    ['cancelledAt', view.cancelledAt],
  ];
  for (const [name, at] of stamps) {
    if (at === undefined) continue;
    if (at < view.receivedAt)
      report('time.after-receipt', `${name} ${iso(at)} is before receivedAt ${iso(view.receivedAt)}`);
    if (at > view.lastEventAt)
      report('time.not-after-last-event', `${name} ${iso(at)} is after lastEventAt ${iso(view.lastEventAt)}`);
  }
  if (view.resolvedAt !== undefined && view.closedAt !== undefined && view.closedAt < view.resolvedAt) {
    report('time.closed-after-resolved', `closedAt ${iso(view.closedAt)} is before resolvedAt ${iso(view.resolvedAt)}`);
  }
  for (const response of view.feedback.responses) {
    if (response.at < view.receivedAt || response.at > view.lastEventAt)
      report(
        'time.feedback-in-lifetime',
        `a ${response.kind} response at ${iso(response.at)} lies outside the inquiry's lifetime`,
      );
  }
}

function checkStage(view: InquiryView, report: Report): void {
  if (!(view.stage in STAGE_RANK)) {
    report('stage.known', `unknown stage '${view.stage}'`);
    return;
  }
  const open = OPEN_STAGES.has(view.stage);
  if (view.stage === 'closed' && view.resolvedAt === undefined)
    report('stage.closed-was-resolved', 'closed without having been resolved');
  if (view.stage === 'closed' && view.closedAt === undefined)
    report('stage.closed-has-closedAt', 'closed without closedAt');
  if (view.stage === 'cancelled' && view.cancelledAt === undefined)
    report('stage.cancelled-has-cancelledAt', 'cancelled without cancelledAt');
  if (view.stage === 'followUp' && (view.resolvedAt === undefined || view.reopenUntil === undefined))
    report('stage.follow-up-is-resolved', 'in follow-up without resolvedAt and reopenUntil');
  if (
    (view.stage === 'inquiry' || view.stage === 'identification' || view.stage === 'resolution') &&
    view.resolvedAt !== undefined
  ) {
    report('stage.open-is-unresolved', `in stage '${view.stage}' but resolvedAt is ${iso(view.resolvedAt)}`);
  }
  if (open && (view.closedAt !== undefined || view.cancelledAt !== undefined))
    report('stage.open-not-ended', `in stage '${view.stage}' with closedAt/cancelledAt`);
  if (!open && view.wakeAt !== null)
    report('stage.final-never-wakes', `in final stage '${view.stage}' but wakeAt is ${iso(view.wakeAt)}`);
  if (view.wakeAt !== null && view.wakeAt <= view.lastEventAt)
    report('time.wakeAt-ahead', `wakeAt ${iso(view.wakeAt)} is not after the last event ${iso(view.lastEventAt)}`);
  if (view.reopenCount < 0) report('reopen.count-non-negative', `reopenCount is ${view.reopenCount}`);
}

function checkEscalation(view: InquiryView, levels: readonly { name: string }[] | undefined, report: Report): void {
  const { level, name, history } = view.escalation;
  if (!Number.isInteger(level) || level < 0 || (levels !== undefined && level >= levels.length)) {
    report('escalation.level-in-bounds', `level ${level} is outside the policy's ${levels?.length ?? '?'} levels`);
  } else if (levels !== undefined && levels[level]?.name !== name) {
    report(
      'escalation.name-matches-level',
      `level ${level} is named '${name}', the policy calls it '${levels[level]?.name}'`,
    );
  }
  let previous = 0;
  let previousAt = view.receivedAt;
  for (const record of history) {
    if (record.level < record.from)
      report('escalation.never-falls', `an escalation went down from level ${record.from} to ${record.level}`);
    if (record.level < previous)
      report('escalation.history-never-falls', `the history falls from level ${previous} to ${record.level}`);
    if (record.at < previousAt)
      report(
        'escalation.history-in-time-order',
        `an escalation at ${iso(record.at)} is recorded after one at ${iso(previousAt)}`,
      );
    previous = record.level;
    previousAt = record.at;
  }
  if (history.length > 0 && previous !== level)
    report('escalation.level-is-last-record', `level ${level} differs from the last recorded level ${previous}`);
}

function checkFeedback(view: InquiryView, report: Report): void {
  for (const response of view.feedback.responses) {
    const scale = feedbackScales[response.kind as keyof typeof feedbackScales];
    if (
      scale === undefined ||
      !Number.isInteger(response.score) ||
      response.score < scale[0] ||
      response.score > scale[1]
    ) {
      report('feedback.score-on-scale', `a ${response.kind} score of ${response.score} is off its scale`);
    }
  }
}

/** Checks one view; `report` receives every violation. */
function checkView(view: InquiryView, levels: readonly { name: string }[] | undefined, report: Report): void {
  checkStage(view, report);
  checkTimestamps(view, report);
  for (const [name, clock] of Object.entries(view.sla)) if (clock !== undefined) checkClock(name, clock, view, report);
  for (const clock of view.slaHistory) {
    checkClock(`${clock.metric} (history)`, clock, view, report);
    if (clock.status === 'running' || clock.status === 'paused')
      report('sla.history-is-finished', `a ${clock.metric} clock in the history is still ${clock.status}`);
  }
  checkEscalation(view, levels, report);
  checkFeedback(view, report);
}

interface StepLike {
  readonly state: PersistedState;
  readonly effects: readonly unknown[];
}

const effectOf = (effect: unknown): { type: string; at: number; inquiryId?: string; from?: string; to?: string } =>
  effect as { type: string; at: number; inquiryId?: string; from?: string; to?: string };

/** Checks a trace: every state's view, and how effects and stages move from step to step. */
function checkTrace(
  trace: InquiryTrace,
  process: ServiceProcess<typeof inquiryMachine>,
  levels: readonly { name: string }[] | undefined,
  out: InvariantViolation[],
): void {
  const steps = trace.steps as readonly StepLike[];
  let previousStage: string | undefined;
  let previousAt = -Infinity;
  steps.forEach((step, index) => {
    const view = process.view(step.state as PersistedState<never>) as InquiryView;
    const report: Report = (rule, message) => out.push({ inquiryId: view.id, rule, message, step: index });
    checkView(view, levels, report);
    // A message that asks for a follow-up is not applied to the inquiry (lastEventAt stays): the
    // step's event instant is then the request's own.
    const requested = step.effects.map(effectOf).find((effect) => effect.type === 'followUp.requested');
    const eventAt = requested === undefined ? view.lastEventAt : Math.max(view.lastEventAt, requested.at);
    let effectAt = previousAt;
    for (const raw of step.effects) {
      const effect = effectOf(raw);
      if (effect.at < previousAt)
        report(
          'effect.not-before-cause',
          `effect '${effect.type}' at ${iso(effect.at)} is stamped before the previous event (${iso(previousAt)})`,
        );
      if (effect.at > eventAt)
        report(
          'effect.not-after-event',
          `effect '${effect.type}' at ${iso(effect.at)} is stamped after the event that produced it (${iso(eventAt)})`,
        );
      if (effect.at < effectAt)
        report('effect.in-time-order', `effect '${effect.type}' at ${iso(effect.at)} follows one at ${iso(effectAt)}`);
      if (effect.inquiryId !== undefined && effect.inquiryId !== view.id)
        report('effect.same-inquiry', `effect '${effect.type}' names inquiry '${effect.inquiryId}'`);
      if (effect.type === 'stage.changed' && effect.to !== undefined) {
        if (previousStage !== undefined && effect.from !== previousStage)
          report('stage.changes-chain', `stage.changed from '${effect.from}' but the stage was '${previousStage}'`);
        if (previousStage !== undefined && !stageMoveAllowed(previousStage, effect.to))
          report('stage.order', `stage moved from '${previousStage}' to '${effect.to}'`);
        previousStage = effect.to;
      }
      effectAt = effect.at;
    }
    if (previousStage !== undefined && previousStage !== view.stage)
      report(
        'stage.changes-reported',
        `the view is in '${view.stage}' but the last stage.changed went to '${previousStage}'`,
      );
    previousStage = view.stage;
    if (index > 0 && view.lastEventAt < previousAt)
      report('time.events-in-order', `the step at ${iso(view.lastEventAt)} comes after one at ${iso(previousAt)}`);
    previousAt = view.lastEventAt;
  });
}

/** Stages only move forward, except a reopen (follow-up back to resolution); final stages stay. */
function stageMoveAllowed(from: string, to: string): boolean {
  if (from === to) return true;
  if (from === 'followUp' && to === 'resolution') return true;
  const a = STAGE_RANK[from as InquiryStage];
  const b = STAGE_RANK[to as InquiryStage];
  return a !== undefined && b !== undefined && a < 4 && b > a;
}

/** Checks a journal: per inquiry, effects in time order (late deadlines keep their own instants). */
function checkJournal(journal: NonNullable<ViewsAndJournal['journal']>, out: InvariantViolation[]): void {
  const last = new Map<string, number>();
  for (const effect of journal) {
    const previous = last.get(effect.inquiryId);
    if (previous !== undefined && effect.at < previous) {
      out.push({
        inquiryId: effect.inquiryId,
        rule: 'journal.in-time-order',
        message: `effect '${effect.type}' at ${iso(effect.at)} follows one at ${iso(previous)}`,
      });
    }
    last.set(effect.inquiryId, effect.at);
  }
}

const isTrace = (value: unknown): value is InquiryTrace =>
  typeof value === 'object' && value !== null && 'steps' in value && 'accepted' in value;
const isState = (value: unknown): value is PersistedState =>
  typeof value === 'object' && value !== null && 'context' in value && 'format' in value;
const isViewsAndJournal = (value: unknown): value is ViewsAndJournal =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && 'views' in value;

let defaultProcess: ServiceProcess<typeof inquiryMachine> | undefined;

/**
 * Every violation of the process invariants in `subject` (an empty list when all hold). See
 * {@link checkInvariants} for the rules.
 *
 * @example
 * ```ts
 * import { findViolations, simulate } from 'serviceflow/testing';
 * const violations = findViolations(simulate({ inquiries: 200, days: 3, journal: true }));
 * console.log(violations.length); // 0
 * ```
 */
export function findViolations(subject: InvariantSubject, options: InvariantOptions = {}): InvariantViolation[] {
  const process = options.process ?? (defaultProcess ??= createProcess(inquiryMachine));
  const levels = process.policies.escalation.levels;
  const out: InvariantViolation[] = [];
  const items: readonly unknown[] = isViewsAndJournal(subject)
    ? subject.views
    : Array.isArray(subject)
      ? subject
      : [subject];
  for (const item of items) {
    if (isTrace(item)) checkTrace(item, process, levels, out);
    else {
      const view = isState(item) ? (process.view(item as PersistedState<never>) as InquiryView) : (item as InquiryView);
      checkView(view, levels, (rule, message) => out.push({ inquiryId: view.id, rule, message }));
    }
  }
  if (isViewsAndJournal(subject) && subject.journal !== undefined) checkJournal(subject.journal, out);
  return out;
}

/**
 * Checks the rules every inquiry process keeps, whatever its policies, and throws an
 * {@link InvariantError} listing every violation. Give it views, persisted states, traces from
 * {@link applyEvents}, or a `simulate` result (views plus its journal).
 *
 * The rules:
 * - **stages**: known; closed ⇒ resolved and `closedAt`; cancelled ⇒ `cancelledAt`; follow-up ⇒
 *   resolved with a reopen window; open stages are unresolved and not ended; final stages never
 *   wake. In a trace, stages only move forward (a reopen goes from follow-up back to resolution)
 *   and every move is reported by `stage.changed` from the stage it left.
 * - **SLA clocks** (current and history): running ⇒ a due time and no stop; paused ⇒ `dueAt`
 *   null; met ⇒ `metAt` ≥ `startedAt`, never breached, within target; breached ⇒ `breachedAt` ≥
 *   `startedAt`, and a late `metAt` after it; no clock starts before the inquiry, stops or
 *   breaches after its last event; finished clocks in the history are not running.
 * - **escalation**: the level lies within the policy's levels and carries its name; the history
 *   never falls, runs in time order and ends at the current level.
 * - **time**: `receivedAt` ≤ every other timestamp ≤ `lastEventAt`; `resolvedAt` ≤ `closedAt`;
 *   `wakeAt` after the last event. In a trace, events in time order and no effect stamped before
 *   the previous event or after its own; in a journal, each inquiry's effects in time order.
 * - **feedback**: every score on its kind's scale.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { applyEvents, checkInvariants } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * const at = Date.parse('2026-03-02T09:00:00Z');
 * const trace = applyEvents(process, { id: 'T-1', channel: 'chat', customer: { id: 'C-1' }, at }, [
 *   { type: 'agent.reply', at: at + 60_000 },
 *   { type: 'resolve', at: at + 600_000 },
 *   { type: 'tick', at: at + 30 * 86_400_000 },
 * ]);
 * checkInvariants(trace, { process }); // throws InvariantError if a rule is broken
 * ```
 */
export function checkInvariants(subject: InvariantSubject, options: InvariantOptions = {}): void {
  const violations = findViolations(subject, options);
  if (violations.length > 0) throw new InvariantError(violations);
}
