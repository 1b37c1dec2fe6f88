/**
 * `simulate`: a service desk on a virtual clock. A discrete-event simulation whose every inquiry
 * lives in the pure process API — `start` on arrival, `send` for each thing that happens to it —
 * while the simulator plays the customers and the agents around it (its parts are in
 * `simulator/`: the desk's story, the agenda, the agent pool, customer behaviour, arrivals and
 * the run's record).
 */
import { parseSimulationOptions, type SimulationOptions } from './simulation-options.js';
import { processFor } from './simulation-process.js';
import { DeskSimulation } from './simulator/desk-simulation.js';
import type { SimulationResult } from './simulator/simulation-result.js';

export type { SimulationResult, SimulationStats, SimulationTimeline } from './simulator/simulation-result.js';

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
  return new DeskSimulation(config, processFor(config)).run();
}
