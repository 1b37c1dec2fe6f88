/**
 * Opens the staffing report of `serviceflow staff --report` in a real headless Chromium, as the
 * simulation report's test does, and checks that both charts render with data. Skipped, with one
 * line saying so, where /usr/bin/chromium is missing; CI sets SERVICEFLOW_BROWSER_TESTS=required.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/program.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const required = process.env['SERVICEFLOW_BROWSER_TESTS'] === 'required';
if (!available && !required) console.warn(`staffing-report.browser.test: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

const dir = mkdtempSync(join(tmpdir(), 'serviceflow-staffing-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available && !required)('the staffing report in headless Chromium', () => {
  it('draws agents and attainment for every hour of the week, without a script or a request off the page', async () => {
    expect(available, `${CHROMIUM} is required here (SERVICEFLOW_BROWSER_TESTS=required)`).toBe(true);
    const file = join(dir, 'staffing.html');
    const out = { write: () => true };
    const argv = ['staff', '-n', '1500', '-d', '7', '-s', '4', '--target', 'sla:firstResponse:90', '--seeds', '1', '--rounds', '2', '--report', file];
    expect(await runCli(argv, { stdout: out, stderr: out })).toBe(0);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) problems.push(`request to ${request.url()}`);
      });
      await page.goto(pathToFileURL(file).href);

      expect(await page.title()).toMatch(/staffing plan: SLA firstResponse 90 %/);
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const marks = [...svg.querySelectorAll('.mark')];
          const drawn = marks.filter((mark) => {
            const rect = mark.getBoundingClientRect();
            return rect.width > 0 && rect.height > 0;
          }).length;
          return { name: svg.getAttribute('data-chart'), width: box.width, height: box.height, marks: marks.length, drawn, values: marks.map((m) => Number(m.getAttribute('data-value'))) };
        }),
      );
      expect(charts.map((c) => c.name)).toEqual(['agents', 'attainment']);
      for (const chart of charts) {
        expect(chart.width, `${chart.name} is laid out`).toBeGreaterThan(300);
        expect(chart.height, `${chart.name} is laid out`).toBeGreaterThan(50);
        expect(chart.drawn, `${chart.name} draws its marks`).toBeGreaterThan(50);
      }
      const [agents, attainment] = charts;
      expect(agents?.marks).toBe(168);
      expect(Math.max(...(agents?.values ?? []))).toBeGreaterThan(1);
      expect(attainment?.values.every((v) => v >= 0 && v <= 1)).toBe(true);
      const had = await page.$eval('polyline[data-series="had"]', (line) => Number(line.getAttribute('data-max')));
      expect(had).toBeGreaterThan(0);
      expect(await page.$eval('line.target', (line) => Number(line.getAttribute('data-value')))).toBe(0.9);
      expect(await page.$$eval('table.hours tr', (rows) => rows.length)).toBe(169);
      const screenshot = await page.screenshot({ fullPage: true });
      expect(screenshot.length).toBeGreaterThan(20_000);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
