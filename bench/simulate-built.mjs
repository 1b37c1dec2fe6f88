/**
 * One untimed `simulate` run of the built package (`dist/`, what `npm install serviceflow` gives),
 * in its own process, for the target figure of `simulate.bench.ts`. Prints one JSON line.
 * Usage: node bench/simulate-built.mjs <inquiries> <days>
 */
import { simulate } from '../dist/testing.js';

const [inquiries = '100000', days = '30'] = process.argv.slice(2);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = simulate({ inquiries: Number(inquiries), days: Number(days), seed: 1 });
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  `${JSON.stringify({
    inquiries: result.stats.inquiries,
    views: result.views.length,
    steps: result.stats.steps,
    effects: result.stats.effects,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1_048_576),
    csat: result.metrics?.csat ?? null,
  })}\n`,
);
