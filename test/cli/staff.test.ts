import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requiredAgents, type StaffingPlan } from 'serviceflow/planning';
import { runCli } from '../internal/internals.js';
import { streams } from '../support/cli-streams.js';

const dir = mkdtempSync(join(tmpdir(), 'serviceflow-staff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const desk = join(import.meta.dirname, 'fixtures', 'phone-desk.staffing.ts');

describe('serviceflow staff', () => {
  it('plans a config file desk for 80/20 and prints the table per hour of the week', async () => {
    const s = streams(false);
    expect(await runCli(['staff', '--config', desk, '--target', '80/20', '--seeds', '1', '--rounds', '2'], s.io)).toBe(
      0,
    );
    const out = s.stdout();
    expect(out).toMatch(/Target: 80 % answered within 20s in every hour \(UTC\)/);
    expect(out).toMatch(/had 672\)/);
    const closedForm = requiredAgents({
      arrivalsPerHour: 40,
      aht: '3m',
      target: { answeredWithin: '20s', share: 0.8 },
    }).agents;
    const monday9 = /Mon 09:00\s+40\.0\s+2\.00\s+4\s+(\d+)\s/.exec(out);
    expect(Number(monday9?.[1])).toBeGreaterThanOrEqual(closedForm);
    expect(out.match(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:00/gm)).toHaveLength(168);
    expect(s.stderr()).toBe('');
  });

  it('prints the plan as one JSON line with --json, and writes the HTML report', async () => {
    const file = join(dir, 'staffing.html');
    const s = streams(false);
    expect(
      await runCli(
        [
          'staff',
          '-c',
          desk,
          '-t',
          'asa:10s',
          '--seeds',
          '1',
          '--rounds',
          '1',
          '--json',
          '--report',
          file,
          '--title',
          'Phones',
        ],
        s.io,
      ),
    ).toBe(0);
    const plan = JSON.parse(s.stdout()) as StaffingPlan;
    expect(plan.target).toEqual({ asa: 10_000 });
    expect(plan.intervals).toHaveLength(168);
    expect(plan.agents.length).toBeGreaterThan(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/<title>Phones<\/title>/);
    for (const chart of ['agents', 'attainment']) expect(html).toContain(`data-chart="${chart}"`);
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(s.stderr()).toMatch(/Report written to/);
  });

  it('lets flags override the config file, and reads SLA targets', async () => {
    const s = streams(false);
    expect(
      await runCli(
        ['staff', '-c', desk, '-n', '500', '-t', 'sla:firstResponse:90', '--seeds', '1', '--rounds', '1'],
        s.io,
      ),
    ).toBe(0);
    expect(s.stdout()).toMatch(/Target: SLA firstResponse 90 %/);
    expect(s.stdout()).toMatch(/Mon 09:00\s+3\.0\s/);
  });

  it('reports progress on a terminal', async () => {
    const s = streams(true);
    expect(await runCli(['staff', '-c', desk, '-n', '300', '-t', '80/20', '--seeds', '1', '--rounds', '1'], s.io)).toBe(
      0,
    );
    expect(s.stderr()).toMatch(/round 1: \d+ hours short, \d+ agent-hours/);
  });

  it('rejects a malformed target or a missing one as a usage error', async () => {
    for (const target of ['80', '80/soon', '100/20', 'asa:', 'sla:firstContact:90']) {
      const s = streams(false);
      expect(await runCli(['staff', '-t', target], s.io), target).toBe(2);
      expect(s.stderr()).toMatch(/--target/);
    }
    const s = streams(false);
    expect(await runCli(['staff'], s.io)).toBe(2);
    expect(s.stderr()).toMatch(/required option '-t, --target <target>'/);
  });
});
