/**
 * One simulation run in its own process, for `simulate.bench.ts`: a clean heap, so that its peak
 * RSS is the simulation's own. Prints one JSON line.
 * Usage: node --import tsx bench/simulate-child.ts <inquiries> <days> <keep|stream> [standard|defaults] [metrics|no-metrics] [timed]
 * `timed` wraps the process to measure the time spent inside start / send / view (the rest is the
 * simulator's own work, the KPIs and the garbage collector).
 */
import { performance } from 'node:perf_hooks';
import { createProcess, inquiryMachine } from 'serviceflow';
import { simulate, standardPolicies } from 'serviceflow/testing';
import { TRUSTED_SEND, trustedSender } from '../src/engine/trusted.js';

const [inquiries = '10000', days = '30', mode = 'keep', policies = 'standard', metrics = 'metrics', timed = ''] =
  process.argv.slice(2);

const { sla, escalation, feedback } = standardPolicies();
const base =
  policies === 'defaults'
    ? createProcess(inquiryMachine)
    : createProcess(inquiryMachine, { sla, escalation, feedback });
let processMs = 0;
const clocked =
  <A extends unknown[], R>(fn: (...args: A) => R) =>
  (...args: A): R => {
    const t = performance.now();
    try {
      return fn(...args);
    } finally {
      processMs += performance.now() - t;
    }
  };
// Through the prototype, not a spread: the simulator finds the process's trusted send under a
// non-enumerable symbol, which a spread would drop (and every event would then be re-validated).
const process_: typeof base =
  timed === 'timed'
    ? Object.create(base, {
        start: { value: clocked(base.start) },
        send: { value: clocked(base.send) },
        view: { value: clocked(base.view) },
        [TRUSTED_SEND]: { value: clocked(trustedSender(base)) },
      })
    : base;

let streamed = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = simulate({
  inquiries: Number(inquiries),
  days: Number(days),
  seed: 1,
  keepViews: mode === 'keep',
  metrics: metrics === 'metrics',
  ...(mode === 'keep' ? {} : { onView: () => void streamed++ }),
  process: process_,
});
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(
  `${JSON.stringify({
    inquiries: result.stats.inquiries,
    views: mode === 'keep' ? result.views.length : streamed,
    steps: result.stats.steps,
    effects: result.stats.effects,
    wallMs: Math.round(wallMs),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    ...(timed === 'timed' ? { processMs: Math.round(processMs) } : {}),
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1_048_576),
    csat: result.metrics?.csat ?? null,
  })}\n`,
);
