import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../internal/internals.js';
import { streams } from '../support/cli-streams.js';

const dir = mkdtempSync(join(tmpdir(), 'serviceflow-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serviceflow simulate', () => {
  it('prints the KPI table, and nothing else when piped', async () => {
    const s = streams(false);
    expect(await runCli(['simulate', '--inquiries', '300', '--days', '3', '--seed', '7'], s.io)).toBe(0);
    expect(s.stdout()).toMatch(/Inquiries\s+300/);
    expect(s.stdout()).toMatch(/First response time/);
    expect(s.stdout()).toMatch(/SLA first response/);
    expect(s.stderr()).toBe('');
  });

  it('draws a progress bar on a terminal', async () => {
    const s = streams(true);
    expect(await runCli(['simulate', '-n', '200', '-d', '2'], s.io)).toBe(0);
    expect(s.stderr()).toMatch(/Simulating .* of 200 inquiries/);
    expect(s.stderr()).toMatch(/Simulated 200 inquiries in/);
  });

  it('prints one JSON line with --json, the same for the same seed', async () => {
    const run = async () => {
      const s = streams(false);
      expect(await runCli(['simulate', '-n', '200', '-d', '2', '-s', '3', '--json'], s.io)).toBe(0);
      return s.stdout();
    };
    const first = await run();
    expect(first.trim().split('\n')).toHaveLength(1);
    const parsed = JSON.parse(first) as {
      stats: { inquiries: number };
      metrics: { counts: { inquiries: number } };
      timeline: { arrivals: number[] };
    };
    expect(parsed.stats.inquiries).toBe(200);
    expect(parsed.metrics.counts.inquiries).toBe(200);
    expect(await run()).toBe(first);
  });

  it('writes a self-contained HTML report with every chart', async () => {
    const file = join(dir, 'report.html');
    const s = streams(false);
    expect(await runCli(['simulate', '-n', '500', '-d', '5', '--report', file, '--title', 'Five days'], s.io)).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/<title>Five days<\/title>/);
    for (const chart of ['arrivals', 'sla', 'frt', 'csat']) expect(html).toContain(`data-chart="${chart}"`);
    expect(html).not.toMatch(/<script|https?:\/\//);
    expect(s.stderr()).toMatch(/Report written to/);
  });

  it('refuses a report it could not write before simulating: one line, exit code 2', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    for (const [report, reason] of [
      ['/no/such/dir/r.html', 'the directory /no/such/dir does not exist'],
      [join(blocker, 'r.html'), `${blocker} is not a directory`],
      [dir, 'it is a directory'],
    ] as const) {
      const s = streams(false);
      // Fifty million inquiries: a check made after the simulation would never be reached.
      expect(await runCli(['simulate', '--inquiries', '50000000', '--report', report], s.io)).toBe(2);
      expect(s.stderr()).toBe(`serviceflow: cannot write the report to ${report}: ${reason}\n`);
      expect(s.stdout()).toBe('');
    }
  });

  it('draws the progress bar when asked to, and never with --no-progress', async () => {
    const forced = streams(false);
    expect(await runCli(['simulate', '-n', '100', '-d', '1', '--progress'], forced.io)).toBe(0);
    expect(forced.stderr()).toMatch(/Simulating .* of 100 inquiries/);
    expect(forced.stderr()).toContain('\x1b[?25h');
    const quiet = streams(true);
    expect(await runCli(['simulate', '-n', '100', '-d', '1', '--no-progress'], quiet.io)).toBe(0);
    expect(quiet.stderr()).toBe('');
  });

  it('exits with 2 and a message on bad arguments', async () => {
    const s = streams(false);
    expect(await runCli(['simulate', '--inquiries', 'many'], s.io)).toBe(2);
    expect(s.stderr()).toMatch(/--inquiries must be a whole number/);
    const t = streams(false);
    expect(await runCli(['simulate', '--timezone', 'Mars/Olympus'], t.io)).toBe(2);
    expect(t.stderr()).toMatch(/arrivals\.timezone: must be an IANA time zone/);
    expect(await runCli(['launch'], streams(false).io)).toBe(2);
  });
});

describe('serviceflow diagram', () => {
  it('prints the Mermaid diagram of the inquiry and the contact machine', async () => {
    for (const [machine, state] of [
      ['inquiry', 'followUp'],
      ['contact', 'postContact'],
    ] as const) {
      const s = streams(false);
      expect(await runCli(['diagram', machine], s.io)).toBe(0);
      expect(s.stdout()).toMatch(/^stateDiagram-v2/);
      expect(s.stdout()).toContain(state);
    }
    const s = streams(false);
    expect(await runCli(['diagram', 'ticket'], s.io)).toBe(2);
    expect(s.stderr()).toMatch(/unknown machine 'ticket'/);
  });

  it('prints its version with --version and -V', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const s = streams(false);
      expect(await runCli([flag], s.io)).toBe(0);
      expect(s.stdout()).toBe(`${version}\n`);
    }
  });

  it('prints help', async () => {
    const s = streams(false);
    expect(await runCli(['--help'], s.io)).toBe(0);
    expect(s.stdout()).toMatch(/simulate .*\n.*diagram/s);
  });
});
