/**
 * `serviceflow/planning`: how many agents a desk needs. Erlang C and Erlang A in closed form for
 * one interval of steady load, and `planStaffing` for a whole week of a simulated desk: the closed
 * form's first guess, checked and adjusted by simulating the real process over several seeds.
 *
 * `planStaffing` runs the simulator of `serviceflow/testing`; the closed-form functions need
 * nothing but zod.
 *
 * @module serviceflow/planning
 */
export {
  erlangC,
  erlangA,
  requiredAgents,
  QueueLoad,
  StaffingTarget,
  StaffingQuestion,
  type QueuePerformance,
  type StaffingAnswer,
} from './planning/erlang.js';
export {
  planStaffing,
  PlanTarget,
  PlanOptions,
  type PlanRound,
  type StaffingInterval,
  type StaffingPlan,
} from './planning/plan-staffing.js';
export type { SimulatedAttainment } from './planning/simulated-attainment.js';
export { staffingTable } from './planning/staffing-table.js';
export { staffingReport } from './planning/staffing-report.js';
