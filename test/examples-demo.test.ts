import { describe, expect, it } from 'vitest';
import { demoOptions, runDemo } from '../examples/demo.js';
import { simulate } from 'serviceflow/testing';

describe('examples/demo.ts (npm run demo)', () => {
  it('prints the KPI table of the simulated desk', () => {
    const lines = runDemo(1500, () => {});
    expect(lines[0]).toMatch(/1,500 inquiries, 25 agents on two shifts/);
    for (const row of [
      /^Inquiries\s+1,500$/,
      /^First response time/,
      /^SLA resolution/,
      // Built-in metrics defined as data, switched on by the demo desk's targets.
      /^SLA timeToAssign\s+\d+\.\d %\s+[\d,]+ met/,
      /^SLA periodicUpdate\s+\d+\.\d %\s+[\d,]+ met/,
      /^CSAT \(satisfied\)/,
      /^Backlog by stage/,
    ]) {
      expect(
        lines.some((line) => row.test(line)),
        String(row),
      ).toBe(true);
    }
    // Surveys by rule: every kind has real numbers, and customers come back.
    for (const row of [
      /^CSAT \(satisfied\)\s+\d+\.\d %\s+[1-9][\d,]* responses$/,
      /^NPS\s+-?\d+\.\d\s+[1-9][\d,]* responses$/,
      /^CES \(mean, 1–7\)\s+\d\.\d\d\s+[1-9][\d,]* responses$/,
    ]) {
      expect(
        lines.some((line) => row.test(line)),
        String(row),
      ).toBe(true);
    }
    expect(lines.find((line) => line.startsWith('Repeat contact rate'))).toMatch(
      /^Repeat contact rate\s+(?!0\.0 )\d+\.\d %/,
    );
    expect(lines.find((line) => line.startsWith('Customers'))).toMatch(
      /^Customers\s+[\d,]+ \(1\.\d\d inquiries each\)$/,
    );
  });

  it('ends with the staffing the SLA needs next to the agents the desk had', () => {
    const lines = runDemo(1500, () => {});
    const plan = lines.findIndex((line) => line.startsWith('▸ The staffing its SLA needs'));
    expect(plan).toBeGreaterThan(0);
    expect(lines[plan + 1]).toMatch(/^ {2}Agent-hours a week: \d+ planned, \d+ had; at the peak \d+ planned, 25 had$/);
    expect(lines.at(-2)).toMatch(/^ {2}Sat needs(\s+\d+){14}$/);
    expect(lines.at(-1)).toMatch(/^ {6}had(\s+\d+){14}$/);
  });

  it('staffs 25 agents and routes escalations to the specialists', () => {
    const result = simulate({ ...demoOptions(1500), keepViews: true });
    expect(result.stats.agents).toBe(25);
    expect(result.stats.rejected).toEqual({});
    expect(result.views.some((view) => view.escalation.name === 'specialist' && view.assignee?.team === 'tier-2')).toBe(
      true,
    );
  });
});
