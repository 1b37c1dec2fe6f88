/**
 * `serviceflow/testing`: simulate service desks on a virtual clock, script one inquiry as a
 * scenario, apply event lists, check the invariants every process keeps, and inject store
 * faults (`faultyStore`).
 *
 * This entry does not load `fast-check`. The fast-check arbitraries have their own entry,
 * `serviceflow/testing/arbitraries`, which needs fast-check (an optional peer dependency)
 * installed next to serviceflow.
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
