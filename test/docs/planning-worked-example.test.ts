import { describe, expect, it } from 'vitest';
import { abandoning, asa, patient, phones, thirteen } from '../../docs/examples/staffing-closed-form.js';
import { planWeek, table } from '../../docs/examples/staffing-week.js';

describe('docs/planning.md worked examples', () => {
  it('gives the figures the closed-form example states', () => {
    expect(phones).toMatchObject({ agents: 14, load: 10 });
    expect(phones.serviceLevel).toBeCloseTo(0.888, 3);
    expect(phones.pWait).toBeCloseTo(0.174, 3);
    expect(phones.occupancy).toBeCloseTo(0.714, 3);
    expect(thirteen.serviceLevel('20s')).toBeCloseTo(0.796, 3);
    expect(patient.agents).toBe(13);
    expect(patient.serviceLevel).toBeCloseTo(0.858, 3);
    expect(abandoning.pAbandon).toBeCloseTo(0.025, 3);
    expect(asa.asaMs).toBeLessThanOrEqual(15_000);
    expect(asa.occupancy).toBeLessThanOrEqual(0.85);
  });

  it('plans the week of the second example, every hour meeting the SLA in simulation', () => {
    const plan = planWeek(1);
    expect(plan.intervals).toHaveLength(168);
    // Six agents early (Mon–Fri 07–15, Sat 09–17), six late (Mon–Fri 13–21).
    expect(plan.hadAgentHours).toBe(6 * (5 * 8 + 8) + 6 * 5 * 8);
    expect(plan.overall.mean).toBeGreaterThanOrEqual(0.95);
    expect(plan.converged).toBe(true);
    expect(table(1)).toMatch(/^Target: SLA firstResponse 95 % in every hour \(UTC\)/);
  });
});
