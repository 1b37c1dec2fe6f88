/**
 * Opens the HTML report in a real headless Chromium (Debian's, through playwright-core) and checks
 * that it renders and that its charts have data. Skipped, with one line saying so, where
 * /usr/bin/chromium is missing; CI installs it and sets SERVICEFLOW_BROWSER_TESTS=required.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../internal/internals.js';
import {
  CHROMIUM,
  chromiumAvailable as available,
  chromiumRequired as required,
  inChromium,
} from '../support/chromium.js';

if (!available && !required)
  console.warn(`report.browser.test: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

const dir = mkdtempSync(join(tmpdir(), 'serviceflow-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available && !required)('the HTML report in headless Chromium', () => {
  it('renders every chart with data, without a script or a request off the page', async () => {
    expect(available, `${CHROMIUM} is required here (SERVICEFLOW_BROWSER_TESTS=required)`).toBe(true);
    const file = join(dir, 'report.html');
    const out = { write: () => true };
    expect(
      await runCli(['simulate', '-n', '1500', '-d', '7', '-s', '9', '--report', file], { stdout: out, stderr: out }),
    ).toBe(0);

    const { problems } = await inChromium(file, async (page) => {
      expect(await page.title()).toMatch(/1,500 inquiries over 7 days/);
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const marks = [...svg.querySelectorAll('.mark')].map((mark) => Number(mark.getAttribute('data-value')));
          const drawn = [...svg.querySelectorAll('rect.mark')].filter(
            (rect) => rect.getBoundingClientRect().height > 0 || rect.getBoundingClientRect().width > 0,
          ).length;
          return {
            name: svg.getAttribute('data-chart'),
            width: box.width,
            height: box.height,
            marks: marks.length,
            total: marks.reduce((a, b) => a + b, 0),
            drawn,
          };
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
      const backlogPeak = await page.$eval('polyline[data-series="backlog"]', (line) =>
        Number(line.getAttribute('data-max')),
      );
      expect(backlogPeak).toBeGreaterThan(0);
      expect(await page.$$eval('table.kpis tr', (rows) => rows.length)).toBeGreaterThan(10);
      const screenshot = await page.screenshot({ fullPage: true });
      expect(screenshot.length).toBeGreaterThan(20_000);
    });
    expect(problems).toEqual([]);
  }, 90_000);
});
