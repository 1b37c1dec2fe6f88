/**
 * `serviceflow/testing`: simulate service desks on a virtual clock, script one inquiry as a
 * scenario, generate cases with fast-check, check the invariants every process keeps, and inject
 * store faults (`faultyStore`).
 *
 * This entry loads `fast-check` (an optional peer dependency of serviceflow) for `arbitraries`,
 * so install it next to serviceflow; arbitraries must come from the same fast-check instance as
 * the `fc.assert` that runs them. The `serviceflow` command does not need it.
 *
 * @module serviceflow/testing
 */
export { simulate, type SimulationResult, type SimulationStats, type SimulationTimeline } from './testing/simulate.js';
export {
  SimulationOptions,
  AgentGroup,
  ArrivalOptions,
  WorkOptions,
  CustomerOptions,
  SurveyOptions,
  DEFAULT_SIMULATION_START,
  type SimulationConfig,
  type SimulationProgress,
} from './testing/simulation-options.js';
export { defineSimulation } from './testing/define-simulation.js';
export { kpiTable } from './testing/kpi-table.js';
export { simulationReport, type ReportInput, type ReportView } from './testing/report.js';
export { DurationDistribution, type DurationDistributionInput } from './testing/distribution.js';
export { twoShiftAgents, deskHours, deskShifts, standardPolicies, standardProfile } from './testing/standard-desk.js';
export {
  scenario,
  Scenario,
  ScenarioError,
  DEFAULT_SCENARIO_START,
  type ScenarioOptions,
  type ScenarioEvent,
  type ScenarioInput,
  type ScenarioContext,
  type ScenarioResult,
  type ScenarioStepRecord,
  type EffectMatch,
} from './testing/scenario.js';
export { applyEvents, type InquiryTrace, type RejectedEvent } from './testing/apply-events.js';
export {
  faultyStore,
  InjectedStoreFault,
  type FaultyStore,
  type FaultyStoreOptions,
  type FaultCounts,
  type FaultTiming,
  type InjectedFault,
  type StoreMethod,
} from './testing/faulty-store.js';
export {
  checkInvariants,
  findViolations,
  InvariantError,
  type InvariantOptions,
  type InvariantSubject,
  type InvariantViolation,
  type ViewsAndJournal,
} from './testing/invariants.js';
/**
 * fast-check arbitraries: inquiry inputs, event sequences with non-decreasing `at`, whole
 * lifecycles, calendars and SLA / escalation / feedback policy configurations. Needs `fast-check`
 * (an optional peer dependency) installed next to serviceflow, so that they come from the same
 * fast-check as your `fc.assert`.
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { createProcess, inquiryMachine } from 'serviceflow';
 * import { applyEvents, arbitraries, checkInvariants } from 'serviceflow/testing';
 * const process = createProcess(inquiryMachine);
 * fc.assert(fc.property(arbitraries.lifecycle(), ({ input, events }) => {
 *   checkInvariants(applyEvents(process, input, events), { process });
 * }));
 * ```
 */
export * as arbitraries from './testing/arbitraries.js';
