import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  businessCalendar,
  createProcess,
  inquiryMachine,
  slaPolicy,
  type InquiryEffect,
  type SlaMetricDefinitionInput,
} from 'serviceflow';
import { applyEvents, findViolations } from 'serviceflow/testing';
import * as arb from 'serviceflow/testing/arbitraries';

const calendar = businessCalendar({
  timezone: 'Europe/Berlin',
  week: { mon: [['08:00', '18:00']], tue: [['08:00', '18:00']], wed: [['08:00', '12:00']], fri: [['10:00', '16:00']] },
});

const trigger = fc.oneof(
  fc.constantFrom(
    'received',
    'assign',
    'agent.reply',
    'customer.reply',
    'pend',
    'resume',
    'resolve',
    'escalate',
    'categorize',
    'prioritize',
  ),
  fc.constantFrom(
    { stage: 'identification' },
    { stage: 'resolution' },
    { stage: ['resolution', 'followUp'] },
    { event: 'pend', where: { reason: 'customer' } },
    { event: 'pend', where: { reason: ['third-party'] } },
    { action: 'recordAgentReply' },
    { action: 'recordCustomerReply', if: { replied: true } },
    { action: 'resolve' },
    { action: 'reopen' },
    { action: 'pend', if: [{ pending: 'customer' as const }, { resolved: false }] },
    { action: 'assign', if: { inStage: 'resolution' } },
  ),
);
const triggers = fc.oneof(trigger, fc.array(trigger, { minLength: 1, maxLength: 3 }));
const condition = fc.constantFrom(
  { tag: 'pending' },
  { pending: 'customer' as const },
  { pending: true as const },
  { inStage: 'identification' },
);

/** A random definition over the inquiry machine's events and stages. */
const definition: fc.Arbitrary<SlaMetricDefinitionInput> = fc
  .record(
    {
      start: triggers,
      stop: triggers,
      pause: fc.oneof(condition, trigger, fc.array(fc.oneof(condition, trigger), { minLength: 1, maxLength: 2 })),
      resume: triggers,
      restart: triggers,
      reopen: triggers,
      cancel: triggers,
    },
    { requiredKeys: ['start', 'stop'] },
  )
  .map((d) => d as SlaMetricDefinitionInput);

const policyOf = (defs: Record<string, SlaMetricDefinitionInput>, target: number) =>
  slaPolicy({
    calendar,
    metrics: defs,
    targets: [Object.fromEntries(Object.keys(defs).map((name) => [name, target]))],
    warnAt: [0.5],
  });

const setup = fc.record({
  defs: fc.record({ a: definition, b: definition }),
  target: fc.integer({ min: 60_000, max: 3 * 86_400_000 }),
  life: arb.lifecycle({ maxLength: 25 }),
});

/**
 * The business time of each cycle of `metric`, from its effects alone: a cycle opens at
 * `sla.started`, stops counting at `sla.paused` and `sla.met`, counts again at `sla.resumed`.
 */
function cyclesFromEffects(effects: readonly InquiryEffect[], metric: string, until: number) {
  const cycles: { startedAt: number; elapsedMs: number; since: number | null; closed: boolean }[] = [];
  for (const effect of effects) {
    if (!('metric' in effect) || effect.metric !== metric) continue;
    const current = cycles.at(-1);
    const settle = () => {
      if (current !== undefined && current.since !== null) {
        current.elapsedMs += calendar.businessTimeBetween(current.since, effect.at);
        current.since = null;
      }
    };
    if (effect.type === 'sla.started') {
      settle();
      cycles.push({ startedAt: effect.at, elapsedMs: 0, since: effect.at, closed: false });
    } else if (effect.type === 'sla.paused') settle();
    else if (effect.type === 'sla.resumed' && current !== undefined) current.since = effect.at;
    else if (effect.type === 'sla.met' && current !== undefined) {
      settle();
      current.closed = true;
    }
  }
  const last = cycles.at(-1);
  if (last !== undefined && last.since !== null) last.elapsedMs += calendar.businessTimeBetween(last.since, until);
  return cycles;
}

describe('metrics defined as data, for random definitions and event sequences', () => {
  it('count in elapsedMs exactly the business time of their running intervals', () => {
    fc.assert(
      fc.property(setup, ({ defs, target, life }) => {
        const process = createProcess(inquiryMachine, { sla: policyOf(defs, target) });
        const trace = applyEvents(process, life.input, life.events);
        const effects = trace.steps.flatMap((step) => step.effects);
        const view = process.view(trace.steps.at(-1)!.state);
        for (const metric of ['a', 'b']) {
          const clocks = [
            ...view.slaHistory.filter((clock) => clock.metric === metric),
            ...(view.sla[metric] === undefined ? [] : [view.sla[metric]]),
          ];
          const cycles = cyclesFromEffects(effects, metric, view.lastEventAt);
          expect(clocks.map((clock) => clock.startedAt)).toEqual(cycles.map((cycle) => cycle.startedAt));
          clocks.forEach((clock, index) => {
            // A cancelled cycle (also one that had breached) stops counting without an effect of its
            // own: its count is at most the model's.
            if (clock.status === 'cancelled' || (clock.status === 'breached' && clock.metAt === undefined))
              expect(clock.elapsedMs).toBeLessThanOrEqual(cycles[index]!.elapsedMs);
            else expect(clock.elapsedMs).toBe(cycles[index]!.elapsedMs);
          });
        }
        expect(findViolations(trace, { process })).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('keep met (until a reopen trigger reopens it), breached and cancelled final per cycle', () => {
    fc.assert(
      fc.property(setup, ({ defs, target, life }) => {
        const process = createProcess(inquiryMachine, { sla: policyOf(defs, target) });
        const trace = applyEvents(process, life.input, life.events);
        const seen = new Map<string, string>();
        for (const step of trace.steps) {
          // A reopened cycle (`sla.resumed` of a completed clock) counts on: met is final until then.
          const reopened = new Set(
            step.effects.filter((effect) => effect.type === 'sla.resumed').map((effect) => effect.metric),
          );
          const { clocks, history } = step.state.context.sla;
          // A cycle is known by its metric and its place among the metric's cycles.
          const cycle = new Map<string, number>();
          for (const clock of [...history, ...Object.values(clocks)]) {
            if (clock === undefined) continue;
            const index = cycle.get(clock.metric) ?? 0;
            cycle.set(clock.metric, index + 1);
            const key = `${clock.metric}#${index}`;
            const before = seen.get(key);
            const reopens = reopened.has(clock.metric) && index === (cycle.get(clock.metric) ?? 1) - 1;
            if (before === 'met' && !reopens) expect(clock.status).toBe('met');
            if (before === 'cancelled') expect(clock.status).toBe('cancelled');
            if (before === 'breached') expect(clock.status).toBe('breached');
            seen.set(key, clock.status);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('give the same record for one late tick as for ticks at every wakeAt', () => {
    fc.assert(
      fc.property(setup, fc.integer({ min: 1, max: 10 * 86_400_000 }), ({ defs, target, life }, later) => {
        const process = createProcess(inquiryMachine, { sla: policyOf(defs, target) });
        const trace = applyEvents(process, life.input, life.events);
        const last = trace.steps.at(-1)!;
        const end = last.state.context.lastEventAt + later;
        fc.pre(process.can(last.state, { type: 'tick', at: end }));
        const once = process.send(last.state, { type: 'tick', at: end });
        let step = last;
        const effects: InquiryEffect[] = [];
        for (let n = 0; n < 1000 && step.wakeAt !== null && step.wakeAt <= end; n++) {
          step = process.send(step.state, { type: 'tick', at: step.wakeAt });
          effects.push(...step.effects);
        }
        if (process.can(step.state, { type: 'tick', at: end })) {
          step = process.send(step.state, { type: 'tick', at: end });
          effects.push(...step.effects);
        }
        const { lastEventAt: _a, ...onceContext } = once.state.context;
        const { lastEventAt: _b, ...everyContext } = step.state.context;
        expect(everyContext).toEqual(onceContext);
        expect(effects).toEqual(once.effects);
      }),
      { numRuns: 150 },
    );
  });
});
