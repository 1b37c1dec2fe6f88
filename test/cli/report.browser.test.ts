/**
 * Opens the HTML report in a real headless Chromium (Debian's, through playwright-core) and checks
 * that it renders and that its charts have data. Skipped, with one line saying so, where
 * /usr/bin/chromium is missing; CI installs it and sets SERVICEFLOW_BROWSER_TESTS=required.
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
if (!available && !required) console.warn(`report.browser.test: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

const dir = mkdtempSync(join(tmpdir(), 'serviceflow-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available && !required)('the HTML report in headless Chromium', () => {
  it('renders every chart with data, without a script or a request off the page', async () => {
    expect(available, `${CHROMIUM} is required here (SERVICEFLOW_BROWSER_TESTS=required)`).toBe(true);
    const file = join(dir, 'report.html');
    const out = { write: () => true };
    expect(await runCli(['simulate', '-n', '1500', '-d', '7', '-s', '9', '--report', file], { stdout: out, stderr: out })).toBe(0);

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

      expect(await page.title()).toMatch(/1,500 inquiries over 7 days/);
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const marks = [...svg.querySelectorAll('.mark')].map((mark) => Number(mark.getAttribute('data-value')));
          const drawn = [...svg.querySelectorAll('rect.mark')].filter((rect) => rect.getBoundingClientRect().height > 0 || rect.getBoundingClientRect().width > 0).length;
          return { name: svg.getAttribute('data-chart'), width: box.width, height: box.height, marks: marks.length, total: marks.reduce((a, b) => a + b, 0), drawn };
        }),
      );
      // the standard desk surveys by rule: CSAT, NPS and CES, each with its own chart
      expect(charts.map((c) => c.name)).toEqual(['arrivals', 'sla', 'frt', 'csat', 'nps', 'ces']);
      for (const chart of charts) {
        expect(chart.width, `${chart.name} is laid out`).toBeGreaterThan(300);
        expect(chart.height, `${chart.name} is laid out`).toBeGreaterThan(50);
        expect(chart.total, `${chart.name} has data`).toBeGreaterThan(0);
        expect(chart.drawn, `${chart.name} draws its bars`).toBeGreaterThan(0);
      }
      expect(charts.find((c) => c.name === 'arrivals')?.total).toBe(1500);
      const backlogPeak = await page.$eval('polyline[data-series="backlog"]', (line) => Number(line.getAttribute('data-max')));
      expect(backlogPeak).toBeGreaterThan(0);
      expect(await page.$$eval('table.kpis tr', (rows) => rows.length)).toBeGreaterThan(10);
      const screenshot = await page.screenshot({ fullPage: true });
      expect(screenshot.length).toBeGreaterThan(20_000);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);
});
