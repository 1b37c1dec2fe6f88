/**
 * Headless Chromium (Debian's, through playwright-core) for the tests that open the HTML reports.
 * The tests skip, with one line saying so, where /usr/bin/chromium is missing; CI installs it and
 * sets SERVICEFLOW_BROWSER_TESTS=required.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
/** Whether a browser test must run here (CI): then a missing Chromium fails instead of skipping. */
export const chromiumRequired = process.env['SERVICEFLOW_BROWSER_TESTS'] === 'required';

/**
 * Opens a local HTML file in headless Chromium, hands the page to `inspect`, and returns what it
 * returned with what went wrong on the page: console errors, page errors, and any request that
 * left the file (a report must need no network).
 */
export async function inChromium<T>(
  file: string,
  inspect: (page: Page) => Promise<T>,
): Promise<{ result: T; problems: string[] }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
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
    return { result: await inspect(page), problems };
  } finally {
    await browser.close();
  }
}
