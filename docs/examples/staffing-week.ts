// The second code block of docs/planning.md, kept in sync by test/docs/code-blocks.test.ts.
import { planStaffing, staffingTable } from 'serviceflow/planning';
import { twoShiftAgents } from 'serviceflow/testing';

/** A month of 3,000 inquiries at the standard desk, with the 12 agents it has on two shifts. */
export function planWeek(seeds = 3) {
  const desk = { inquiries: 3_000, days: 28, seed: 7, agents: twoShiftAgents(12, { capacity: 2 }) };
  return planStaffing(desk, { sla: 'firstResponse', attainment: 0.95 }, { seeds });
}

// console.log(staffingTable(planWeek()));
export const table = (seeds?: number) => staffingTable(planWeek(seeds));
