/**
 * Opens the staffing report of `serviceflow staff --report` in a real headless Chromium, as the
 * simulation report's test does, and checks that both charts render with data. Skipped where
 * Chromium is missing (see test/support/chromium.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../internal/internals.js';
import { CHROMIUM, chromiumAvailable, chromiumRequired, inChromium } from '../support/chromium.js';

if (!chromiumAvailable && !chromiumRequired)
  console.warn(`staffing-report.browser.test: skipped, ${CHROMIUM} is not installed (apt-get install chromium)`);

const dir = mkdtempSync(join(tmpdir(), 'serviceflow-staffing-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!chromiumAvailable && !chromiumRequired)('the staffing report in headless Chromium', () => {
  it('draws agents and attainment for every hour of the week, without a script or a request off the page', async () => {
    expect(chromiumAvailable, `${CHROMIUM} is required here (SERVICEFLOW_BROWSER_TESTS=required)`).toBe(true);
    const file = join(dir, 'staffing.html');
    const out = { write: () => true };
    const argv = [
      'staff',
      '-n',
      '1500',
      '-d',
      '7',
      '-s',
      '4',
      '--target',
      'sla:firstResponse:90',
      '--seeds',
      '1',
      '--rounds',
      '2',
      '--report',
      file,
    ];
    expect(await runCli(argv, { stdout: out, stderr: out })).toBe(0);

    const { result: page, problems } = await inChromium(file, async (page) => ({
      title: await page.title(),
      charts: await page.$$eval('svg.chart', (svgs) =>
        svgs.map((svg) => {
          const box = svg.getBoundingClientRect();
          const marks = [...svg.querySelectorAll('.mark')];
          const drawn = marks.filter((mark) => {
            const rect = mark.getBoundingClientRect();
            return rect.width > 0 && rect.height > 0;
          }).length;
          return {
            name: svg.getAttribute('data-chart'),
            width: box.width,
            height: box.height,
            marks: marks.length,
            drawn,
            values: marks.map((m) => Number(m.getAttribute('data-value'))),
          };
        }),
      ),
      had: await page.$eval('polyline[data-series="had"]', (line) => Number(line.getAttribute('data-max'))),
      target: await page.$eval('line.target', (line) => Number(line.getAttribute('data-value'))),
      hourRows: await page.$$eval('table.hours tr', (rows) => rows.length),
      screenshot: (await page.screenshot({ fullPage: true })).length,
    }));

    expect(page.title).toMatch(/staffing plan: SLA firstResponse 90 %/);
    expect(page.charts.map((c) => c.name)).toEqual(['agents', 'attainment']);
    for (const chart of page.charts) {
      expect(chart.width, `${chart.name} is laid out`).toBeGreaterThan(300);
      expect(chart.height, `${chart.name} is laid out`).toBeGreaterThan(50);
      expect(chart.drawn, `${chart.name} draws its marks`).toBeGreaterThan(50);
    }
    const [agents, attainment] = page.charts;
    expect(agents?.marks).toBe(168);
    expect(Math.max(...(agents?.values ?? []))).toBeGreaterThan(1);
    expect(attainment?.values.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(page.had).toBeGreaterThan(0);
    expect(page.target).toBe(0.9);
    expect(page.hourRows).toBe(169);
    expect(page.screenshot).toBeGreaterThan(20_000);
    expect(problems).toEqual([]);
  }, 120_000);
});
