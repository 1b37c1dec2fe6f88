/**
 * `scenario()`: a fluent script for one inquiry on a virtual clock — events, waits and
 * expectations — that reports the step where an expectation failed.
 */
import { inquiryMachine, type InquiryMachine } from '../machines/inquiry.js';
import { createProcess, type ProcessStep, type ServiceProcess } from '../process/createProcess.js';
import { abbreviate, InvalidConfigError, ServiceFlowError, type ServiceFlowErrorCode } from '../errors.js';
import type { InquiryView } from '../process/view.js';
import type { InquiryEffect, InquiryEffectOf, InquiryEffectType } from '../schemas/effects.js';
import type { FeedbackKind, InquiryEventInit, InquiryInputInit, PendingReason } from '../schemas/inquiry.js';
import type { InquiryContext, PersistedState } from '../schemas/state.js';
import { Duration, Timestamp, formatDuration, type DurationInput, type TimestampInput } from '../schemas/time.js';

/**
 * An event without its `at`: the scenario stamps it with the virtual clock.
 *
 * @example
 * ```ts
 * import { scenario, type ScenarioEvent } from 'serviceflow/testing';
 * const reply: ScenarioEvent = { type: 'agent.reply', agentId: 'ana' };
 * scenario().receive().send(reply).run();
 * ```
 */
export type ScenarioEvent = InquiryEventInit extends infer E
  ? E extends { at: unknown }
    ? Omit<E, 'at'>
    : never
  : never;

/**
 * What `receive` takes: a start input whose fields all default (id `S-1`, email, customer `C-1`).
 *
 * @example
 * ```ts
 * import { scenario, type ScenarioInput } from 'serviceflow/testing';
 * const vip: ScenarioInput = { channel: 'phone', priority: 'urgent', customer: { id: 'C-9', tier: 'vip' } };
 * scenario().receive(vip).run();
 * ```
 */
export type ScenarioInput = Partial<Omit<InquiryInputInit, 'at'>>;

/**
 * Deep partial of an effect, for `expectEffect`.
 *
 * @example
 * ```ts
 * import { scenario, type EffectMatch } from 'serviceflow/testing';
 * const breach: EffectMatch<'sla.breached'> = { metric: 'resolution' };
 * scenario().receive().wait('9d').tick().expectEffect('sla.breached', breach);
 * ```
 */
export type EffectMatch<T extends InquiryEffectType> = {
  readonly [K in keyof InquiryEffectOf<T>]?: InquiryEffectOf<T>[K];
};

/**
 * What an expectation sees: the view now, the last step's effects, the state, the clock.
 *
 * @example
 * ```ts
 * import { scenario } from 'serviceflow/testing';
 * scenario().receive().expect((view, { wakeAt, effects }) => wakeAt === null && effects.length > 0).run();
 * ```
 */
export interface ScenarioContext {
  readonly view: InquiryView;
  /** Effects of the most recent accepted event (or of `receive`). */
  readonly effects: readonly InquiryEffect[];
  /** Every effect so far. */
  readonly allEffects: readonly InquiryEffect[];
  readonly state: PersistedState<InquiryContext>;
  /** The virtual clock. */
  readonly at: number;
  /** When a tick would next change something, or `null`. */
  readonly wakeAt: number | null;
}

/**
 * One executed step of a scenario run.
 *
 * @example
 * ```ts
 * import { scenario } from 'serviceflow/testing';
 * const { steps } = scenario().receive().wait('1h').agentReply().run();
 * steps.map((s) => s.label); // ['receive', 'wait 1h', 'agent.reply']
 * ```
 */
export interface ScenarioStepRecord {
  /** 1-based position in the script. */
  readonly step: number;
  /** What the step did, e.g. `wait 2h`, `agent.reply`, `expectEffect sla.breached`. */
  readonly label: string;
  readonly at: number;
  /** The event sent, for event steps. */
  readonly event?: InquiryEventInit;
  /** The effects it produced, for event steps. */
  readonly effects?: readonly InquiryEffect[];
}

/**
 * What `run()` returns when every expectation holds.
 *
 * @example
 * ```ts
 * import { scenario } from 'serviceflow/testing';
 * const { view, allEffects, at } = scenario().receive().agentReply().resolve().run();
 * console.log(view.stage, allEffects.length, new Date(at).toISOString());
 * ```
 */
export interface ScenarioResult extends ScenarioContext {
  readonly steps: readonly ScenarioStepRecord[];
}

/**
 * Thrown by `run()`: the step that failed, with the event, the effects and the view at that point.
 *
 * @example
 * ```ts
 * import { ScenarioError, scenario } from 'serviceflow/testing';
 * try {
 *   scenario().receive().expect((view) => view.stage === 'closed').run();
 * } catch (error) {
 *   if (error instanceof ScenarioError) console.log(error.step, error.label, error.view?.stage); // 2 'expect' 'inquiry'
 * }
 * ```
 */
export class ScenarioError extends Error {
  /** 1-based position of the failing step in the script. */
  readonly step: number;
  readonly label: string;
  readonly at: number;
  /** The last event sent before (or by) the failing step. */
  readonly event: InquiryEventInit | undefined;
  readonly effects: readonly InquiryEffect[];
  readonly view: InquiryView | undefined;

  constructor(details: {
    step: number;
    label: string;
    at: number;
    reason: string;
    event: InquiryEventInit | undefined;
    effects: readonly InquiryEffect[];
    view: InquiryView | undefined;
    cause?: unknown;
  }) {
    const effects = details.effects.map((e) => `${e.type}@${new Date(e.at).toISOString()}`).join(', ') || 'none';
    super(
      [
        `Scenario failed at step ${details.step} (${details.label}) at ${new Date(details.at).toISOString()}: ${details.reason}`,
        `  last event: ${details.event === undefined ? 'none' : abbreviate(details.event, 200)}`,
        `  its effects: ${effects}`,
        `  view: ${details.view === undefined ? 'none (no inquiry yet)' : abbreviate(summarise(details.view), 600)}`,
      ].join('\n'),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = 'ScenarioError';
    this.step = details.step;
    this.label = details.label;
    this.at = details.at;
    this.event = details.event;
    this.effects = details.effects;
    this.view = details.view;
  }
}

function summarise(view: InquiryView): Record<string, unknown> {
  const sla: Record<string, string> = {};
  for (const [metric, clock] of Object.entries(view.sla)) if (clock !== undefined) sla[metric] = clock.status;
  return {
    stage: view.stage,
    ...(view.status === undefined ? {} : { status: view.status }),
    priority: view.priority,
    sla,
    escalation: `${view.escalation.level}:${view.escalation.name}`,
    ...(view.feedback.survey === undefined ? {} : { survey: view.feedback.survey.status }),
    reopenCount: view.reopenCount,
    wakeAt: view.wakeAt === null ? null : new Date(view.wakeAt).toISOString(),
  };
}

type Instruction =
  | { readonly kind: 'receive'; readonly input: ScenarioInput }
  | { readonly kind: 'wait'; readonly ms: number; readonly text: string }
  | { readonly kind: 'at'; readonly at: number }
  | { readonly kind: 'wake' }
  | { readonly kind: 'send'; readonly event: ScenarioEvent }
  | { readonly kind: 'reject'; readonly event: ScenarioEvent; readonly code: ServiceFlowErrorCode | undefined }
  | {
      readonly kind: 'expect';
      readonly check: (view: InquiryView, context: ScenarioContext) => boolean | void;
      readonly label: string | undefined;
    }
  | {
      readonly kind: 'effect';
      readonly type: InquiryEffectType;
      readonly match: Record<string, unknown> | undefined;
      readonly present: boolean;
    };

/**
 * Options of {@link scenario}.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { scenario } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * scenario({ process: createProcess(inquiryMachine), at: '2026-12-24T16:00:00Z' }).receive().run();
 * ```
 */
export interface ScenarioOptions {
  /** The process to script (default: the built-in inquiry process with default policies). */
  readonly process?: ServiceProcess<InquiryMachine>;
  /** Where the virtual clock starts (default Monday 2026-03-02 09:00 UTC). */
  readonly at?: TimestampInput;
}

/**
 * 2026-03-02T09:00:00Z, a Monday morning: where scenarios start unless told otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_SCENARIO_START, scenario } from 'serviceflow/testing';
 * scenario({ at: DEFAULT_SCENARIO_START + 86_400_000 }); // Tuesday instead of Monday
 * ```
 */
export const DEFAULT_SCENARIO_START = Date.UTC(2026, 2, 2, 9);

function durationMs(value: DurationInput): number {
  const parsed = Duration.safeParse(value);
  if (!parsed.success) {
    throw new InvalidConfigError(
      `scenario.wait: expected a duration such as '30m', '2h', '3d' or milliseconds, received ${abbreviate(value)}`,
      {
        received: value,
        expected: "a duration: milliseconds or text such as '30m', '4h', '2d'",
      },
    );
  }
  return parsed.data;
}

function matches(actual: unknown, expected: unknown): boolean {
  if (expected === actual) return true;
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => matches(actual[i], item))
    );
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return false;
    return Object.entries(expected).every(([key, value]) => matches((actual as Record<string, unknown>)[key], value));
  }
  return false;
}

/**
 * A scenario: an immutable script. Every method returns a new scenario with one more step, so a
 * common beginning can be shared by many tests; `run()` plays it.
 *
 * @example
 * ```ts
 * import { Scenario, scenario } from 'serviceflow/testing';
 * const base: Scenario = scenario().receive({ channel: 'chat' });
 * base.agentReply().resolve().run();
 * base.cancel('spam').run();
 * ```
 */
export class Scenario {
  private constructor(
    private readonly options: ScenarioOptions,
    private readonly script: readonly Instruction[],
  ) {}

  /** @internal */
  static create(options: ScenarioOptions): Scenario {
    return new Scenario(options, []);
  }

  private then(instruction: Instruction): Scenario {
    return new Scenario(this.options, [...this.script, instruction]);
  }

  /** The inquiry arrives now. Every field defaults: id `S-1`, channel `email`, customer `C-1`. */
  receive(input: ScenarioInput = {}): Scenario {
    return this.then({ kind: 'receive', input });
  }
  /** Moves the clock forward (`'30m'`, `'2h'`, `'3d'` or ms). Nothing is sent: deadlines fire with the next event or `tick()`. */
  wait(duration: DurationInput): Scenario {
    const ms = durationMs(duration);
    return this.then({ kind: 'wait', ms, text: typeof duration === 'string' ? duration : formatDuration(ms) });
  }
  /** Moves the clock to an instant (not backwards). */
  at(instant: TimestampInput): Scenario {
    const parsed = Timestamp.safeParse(instant);
    if (!parsed.success)
      throw new InvalidConfigError(`scenario.at: expected an instant, received ${abbreviate(instant)}`, {
        received: instant,
        expected: 'epoch ms, an ISO-8601 string or a Date',
      });
    return this.then({ kind: 'at', at: parsed.data });
  }
  /** Moves the clock to the inquiry's `wakeAt` and ticks there (fails when nothing is due). */
  wake(): Scenario {
    return this.then({ kind: 'wake' });
  }
  /** Sends any event, stamped with the clock. */
  send(event: ScenarioEvent): Scenario {
    return this.then({ kind: 'send', event });
  }
  /** Sends `tick` now: fires every deadline due by the clock. */
  tick(): Scenario {
    return this.send({ type: 'tick' });
  }
  acknowledge(): Scenario {
    return this.send({ type: 'acknowledge' });
  }
  categorize(category: string, priority?: InquiryInputInit['priority']): Scenario {
    return this.send(
      priority === undefined ? { type: 'categorize', category } : { type: 'categorize', category, priority },
    );
  }
  prioritize(priority: NonNullable<InquiryInputInit['priority']>): Scenario {
    return this.send({ type: 'prioritize', priority });
  }
  assign(to: { agentId?: string; team?: string }): Scenario {
    return this.send({ type: 'assign', ...to });
  }
  agentReply(agentId?: string): Scenario {
    return this.send(agentId === undefined ? { type: 'agent.reply' } : { type: 'agent.reply', agentId });
  }
  customerReply(): Scenario {
    return this.send({ type: 'customer.reply' });
  }
  pend(reason: PendingReason = 'customer'): Scenario {
    return this.send({ type: 'pend', reason });
  }
  resume(): Scenario {
    return this.send({ type: 'resume' });
  }
  escalate(reason?: string): Scenario {
    return this.send(reason === undefined ? { type: 'escalate' } : { type: 'escalate', reason });
  }
  resolve(resolution?: string): Scenario {
    return this.send(resolution === undefined ? { type: 'resolve' } : { type: 'resolve', resolution });
  }
  /** The customer answers a survey (asked for or not). */
  rate(kind: FeedbackKind, score: number, comment?: string): Scenario {
    return this.send(
      comment === undefined ? { type: 'feedback', kind, score } : { type: 'feedback', kind, score, comment },
    );
  }
  reopen(reason?: string): Scenario {
    return this.send(reason === undefined ? { type: 'reopen' } : { type: 'reopen', reason });
  }
  close(): Scenario {
    return this.send({ type: 'close' });
  }
  cancel(reason?: string): Scenario {
    return this.send(reason === undefined ? { type: 'cancel' } : { type: 'cancel', reason });
  }
  /** A completed contact (call, chat, email thread) about the inquiry. */
  contact(contact: {
    contactId: string;
    channel: InquiryInputInit['channel'];
    handleMs: number;
    resolved: boolean;
  }): Scenario {
    return this.send({ type: 'contact.completed', ...contact });
  }
  /** Expects the process to refuse this event now (optionally with this error code); the state stays as it was. */
  expectRejected(event: ScenarioEvent, code?: ServiceFlowErrorCode): Scenario {
    return this.then({ kind: 'reject', event, code });
  }
  /**
   * Expects something of the view now: the check fails the run by returning `false` or by
   * throwing (an assertion library's `expect` works).
   */
  expect(check: (view: InquiryView, context: ScenarioContext) => boolean | void, label?: string): Scenario {
    return this.then({ kind: 'expect', check, label });
  }
  /** Expects the most recent event to have produced an effect of this type matching `match` (a deep partial). */
  expectEffect<T extends InquiryEffectType>(type: T, match?: EffectMatch<T>): Scenario {
    return this.then({ kind: 'effect', type, match: match as Record<string, unknown> | undefined, present: true });
  }
  /** Expects the most recent event to have produced no effect of this type (matching `match`). */
  expectNoEffect<T extends InquiryEffectType>(type: T, match?: EffectMatch<T>): Scenario {
    return this.then({ kind: 'effect', type, match: match as Record<string, unknown> | undefined, present: false });
  }

  /**
   * Plays the script on a fresh virtual clock. Throws a {@link ScenarioError} naming the first
   * step that failed — an expectation that did not hold, an event the process refused, a refusal
   * that did not come — with the last event, its effects and the view at that point.
   */
  run(): ScenarioResult {
    return play(this.options.process ?? (defaultProcess ??= createProcess(inquiryMachine)), this.options, this.script);
  }
}

let defaultProcess: ServiceProcess<InquiryMachine> | undefined;

type Step = ProcessStep<InquiryContext, InquiryEffect>;

function labelOf(instruction: Instruction): string {
  switch (instruction.kind) {
    case 'receive':
      return 'receive';
    case 'wait':
      return `wait ${instruction.text}`;
    case 'at':
      return `at ${new Date(instruction.at).toISOString()}`;
    case 'wake':
      return 'wake';
    case 'send':
      return instruction.event.type;
    case 'reject':
      return `expectRejected ${instruction.event.type}`;
    case 'expect':
      return instruction.label === undefined ? 'expect' : `expect ${instruction.label}`;
    case 'effect':
      return `${instruction.present ? 'expectEffect' : 'expectNoEffect'} ${instruction.type}`;
  }
}

function play(
  process: ServiceProcess<InquiryMachine>,
  options: ScenarioOptions,
  script: readonly Instruction[],
): ScenarioResult {
  const player = new ScenarioPlayer(
    process,
    options.at === undefined ? DEFAULT_SCENARIO_START : Timestamp.parse(options.at),
  );
  script.forEach((instruction, index) => player.perform(instruction, index + 1));
  return player.result(script.length);
}

/** Plays a script's instructions one by one against one inquiry, on the scenario's clock. */
class ScenarioPlayer {
  private step: Step | undefined;
  private lastEvent: InquiryEventInit | undefined;
  private lastEffects: readonly InquiryEffect[] = [];
  private readonly allEffects: InquiryEffect[] = [];
  private readonly records: ScenarioStepRecord[] = [];
  /** The instruction being played: its number (from 1) and label. */
  private number = 0;
  private label = '';

  constructor(
    private readonly process: ServiceProcess<InquiryMachine>,
    private at: number,
  ) {}

  perform(instruction: Instruction, number: number): void {
    this.number = number;
    this.label = labelOf(instruction);
    switch (instruction.kind) {
      case 'receive':
        return this.receive(instruction.input);
      case 'wait':
        this.at += instruction.ms;
        return this.record();
      case 'at':
        if (instruction.at < this.at) this.fail(`the clock cannot go back from ${new Date(this.at).toISOString()}`);
        this.at = instruction.at;
        return this.record();
      case 'wake': {
        const wakeAt = this.current().wakeAt;
        if (wakeAt === null) return this.fail('nothing is due: wakeAt is null');
        this.at = Math.max(this.at, wakeAt);
        return this.send({ type: 'tick', at: this.at });
      }
      case 'send':
        return this.send({ ...instruction.event, at: this.at } as InquiryEventInit);
      case 'reject':
        return this.expectRejected(instruction.event, instruction.code);
      case 'expect':
        return this.expect(instruction.check);
      case 'effect':
        return this.expectEffect(instruction);
    }
  }

  result(steps: number): ScenarioResult {
    const { step: final, at } = this;
    if (final === undefined) {
      throw new ScenarioError({
        step: steps,
        label: 'run',
        at,
        reason: 'the script never received an inquiry',
        event: undefined,
        effects: [],
        view: undefined,
      });
    }
    const view = this.process.view(final.state, { at });
    return {
      view,
      effects: this.lastEffects,
      allEffects: this.allEffects,
      state: final.state,
      at,
      wakeAt: final.wakeAt,
      steps: this.records,
    };
  }

  private receive(given: ScenarioInput): void {
    if (this.step !== undefined) this.fail('the inquiry was already received');
    const input = { id: 'S-1', channel: 'email' as const, customer: { id: 'C-1' }, ...given, at: this.at };
    let step: Step;
    try {
      step = this.process.start(input);
    } catch (error) {
      if (error instanceof ServiceFlowError)
        this.fail(`the process refused the input: [${error.code}] ${error.message}`, error);
      throw error;
    }
    this.stepped(step, undefined);
  }

  private send(event: InquiryEventInit): void {
    let step: Step;
    try {
      step = this.process.send(this.current().state, event);
    } catch (error) {
      if (error instanceof ServiceFlowError)
        this.fail(`the process refused ${event.type}: [${error.code}] ${error.message}`, error);
      throw error;
    }
    this.stepped(step, event);
  }

  private stepped(step: Step, event: InquiryEventInit | undefined): void {
    this.step = step;
    this.lastEvent = event;
    this.lastEffects = step.effects;
    this.allEffects.push(...step.effects);
    const { number, label, at } = this;
    this.records.push(
      event === undefined
        ? { step: number, label, at, effects: step.effects }
        : { step: number, label, at, event, effects: step.effects },
    );
  }

  private expectRejected(given: ScenarioEvent, code: ServiceFlowErrorCode | undefined): void {
    const event = { ...given, at: this.at } as InquiryEventInit;
    try {
      this.process.send(this.current().state, event);
    } catch (error) {
      if (!(error instanceof ServiceFlowError)) throw error;
      if (code !== undefined && error.code !== code)
        this.fail(`${event.type} was refused with ${error.code}, expected ${code}: ${error.message}`, error);
      return this.record();
    }
    return this.fail(
      `the process accepted ${event.type}, expected it to refuse${code === undefined ? '' : ` with ${code}`}`,
    );
  }

  private expect(check: Extract<Instruction, { kind: 'expect' }>['check']): void {
    const s = this.current();
    const at = this.at;
    const view = this.process.view(s.state, { at });
    let outcome: boolean | void;
    try {
      outcome = check(view, {
        view,
        effects: this.lastEffects,
        allEffects: this.allEffects,
        state: s.state,
        at,
        wakeAt: s.wakeAt,
      });
    } catch (error) {
      return this.fail(`expectation threw: ${error instanceof Error ? error.message : abbreviate(error)}`, error);
    }
    if (outcome === false) this.fail('expectation returned false');
    this.record();
  }

  private expectEffect(instruction: Extract<Instruction, { kind: 'effect' }>): void {
    this.current();
    const found = this.lastEffects.some(
      (effect) =>
        effect.type === instruction.type && (instruction.match === undefined || matches(effect, instruction.match)),
    );
    if (found !== instruction.present) {
      const wanted = `${instruction.type}${instruction.match === undefined ? '' : ` matching ${abbreviate(instruction.match, 160)}`}`;
      this.fail(
        instruction.present
          ? `expected an effect ${wanted} from the last event`
          : `expected no effect ${wanted} from the last event`,
      );
    }
    this.record();
  }

  /** Records an instruction that sent nothing. */
  private record(): void {
    this.records.push({ step: this.number, label: this.label, at: this.at });
  }

  private current(): Step {
    return this.step ?? this.fail('no inquiry yet: start the script with receive()');
  }

  private fail(reason: string, cause?: unknown): never {
    const at = this.at;
    throw new ScenarioError({
      step: this.number,
      label: this.label,
      at,
      reason,
      event: this.lastEvent,
      effects: this.lastEffects,
      view: this.step === undefined ? undefined : this.process.view(this.step.state, { at }),
      cause,
    });
  }
}

/**
 * Starts a scenario: a fluent, immutable script for one inquiry on a virtual clock. Events are
 * stamped with the clock; `wait` moves it; deadlines fire with the next event or `tick()`, each at
 * its own instant, exactly as in production. `run()` reports the first step that failed.
 *
 * @example
 * ```ts
 * import { createProcess, inquiryMachine, slaPolicy } from 'serviceflow';
 * import { scenario } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
 * scenario({ process })
 *   .receive({ channel: 'email', priority: 'high' })
 *   .wait('2h')
 *   .tick()
 *   .expectEffect('sla.breached', { metric: 'firstResponse' })
 *   .agentReply('ana')
 *   .expect((view) => view.sla.firstResponse?.status === 'breached')
 *   .resolve()
 *   .rate('csat', 2)
 *   .expect((view) => view.feedback.responses[0]?.sentiment === 'negative')
 *   .run();
 * ```
 */
export function scenario(options: ScenarioOptions = {}): Scenario {
  return Scenario.create(options);
}
