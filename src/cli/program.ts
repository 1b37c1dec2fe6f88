/**
 * The `serviceflow` command's parser and its commands. `runCli` takes the arguments and the
 * output streams and returns the exit code, so tests drive it without spawning a process.
 *
 * A command that simulates a desk adds the shared flags with `simulationFlags` and reads its
 * options with `simulationOptions` (the `--config` file, with the flags given on top).
 */
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
// The bundler inlines the version alone, not the manifest.
import { version } from '../../package.json';
import { contactMachine } from '../machines/contact.js';
import { toMermaid } from '../machines/diagram.js';
import { inquiryMachine } from '../machines/inquiry.js';
import { ServiceFlowError } from '../errors.js';
import { kpiTable } from '../testing/kpi-table.js';
import { simulationReport, type ReportView } from '../testing/report.js';
import { simulate } from '../testing/simulate.js';
import {
  parseSimulationOptions,
  type SimulationOptions,
  type SimulationProgress,
} from '../testing/simulation-options.js';
import type { InquiryView } from '../process/view.js';
import { planStaffing, type PlanTarget } from '../planning/plan-staffing.js';
import { staffingReport } from '../planning/staffing-report.js';
import { describeTarget, staffingTable } from '../planning/staffing-table.js';
import { parseDuration } from '../schemas/time.js';
import { loadSimulationConfig } from './config.js';
import { progressBar, silentProgress, type Output, type ProgressFactory } from './progress.js';

/** The streams the command writes to. */
export interface CliStreams {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Draws the progress bar (default: a bar on `stderr`); the worker thread hands it to the main thread. */
  readonly progress?: ProgressFactory;
}

const integer =
  (name: string, min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}`);
    return n;
  };

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number greater than 0');
  return n;
};

/** A mistake in how the command was called: reported in one line, exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The flags every command that simulates a desk shares (`simulate`, and any command built on it). */
interface SimulationFlags {
  readonly inquiries: number;
  readonly days: number;
  readonly seed: number;
  readonly agents?: number;
  readonly drain?: string;
  readonly timezone?: string;
  readonly config?: string;
}

interface SimulateFlags extends SimulationFlags {
  readonly json?: boolean;
  readonly progress?: boolean;
  readonly report?: string;
  readonly title?: string;
}

/** Adds the flags of {@link SimulationFlags} to `command`. */
function simulationFlags(command: Command): Command {
  return command
    .option(
      '-c, --config <file>',
      'simulation options from a file: .json, .js, .mjs, .cjs or .ts (export default defineSimulation({ … }))',
    )
    .option('-n, --inquiries <n>', 'inquiries arriving over the period', integer('--inquiries', 0), 1000)
    .option('-d, --days <d>', 'days of arrivals', positive, 30)
    .option('-s, --seed <s>', 'random seed (same seed, same result)', integer('--seed', 0), 1)
    .option('-a, --agents <n>', 'agents on two shifts (default: staffed for the load)', integer('--agents', 1))
    .option('--drain <duration>', "time after the last day to work off the backlog, e.g. '3d'")
    .option('--timezone <zone>', 'IANA zone of the desk hours and the arrival profile (default UTC)');
}

/**
 * The options to simulate with: the config file's, if any, with the flags given on the command
 * line on top (a flag left at its default does not override the file).
 */
async function simulationOptions(flags: SimulationFlags, command: Command): Promise<SimulationOptions> {
  const file = flags.config === undefined ? undefined : await loadSimulationConfig(flags.config);
  const given = (flag: keyof SimulationFlags) =>
    flags[flag] !== undefined && (file === undefined || command.getOptionValueSource(flag) === 'cli');
  const options: SimulationOptions = { ...file };
  return {
    ...options,
    ...(given('inquiries') ? { inquiries: flags.inquiries } : {}),
    ...(given('days') ? { days: flags.days } : {}),
    ...(given('seed') ? { seed: flags.seed } : {}),
    ...(flags.agents === undefined ? {} : { agents: flags.agents }),
    ...(flags.drain === undefined ? {} : { drain: flags.drain }),
    ...(flags.timezone === undefined ? {} : { arrivals: { ...options.arrivals, timezone: flags.timezone } }),
  };
}

/** What the HTML report reads of a view: the command keeps only that. */
function reportView(view: InquiryView): ReportView {
  return {
    receivedAt: view.receivedAt,
    ...(view.firstRespondedAt === undefined ? {} : { firstRespondedAt: view.firstRespondedAt }),
    feedback: { responses: view.feedback.responses },
  };
}

/** Refuses a report that could not be written, before the simulation runs rather than after. */
function checkReportFile(file: string): void {
  const path = resolve(file);
  const directory = dirname(path);
  const found = statSync(directory, { throwIfNoEntry: false });
  if (found === undefined)
    throw new UsageError(`cannot write the report to ${file}: the directory ${directory} does not exist`);
  if (!found.isDirectory()) throw new UsageError(`cannot write the report to ${file}: ${directory} is not a directory`);
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() === true)
    throw new UsageError(`cannot write the report to ${file}: it is a directory`);
  try {
    accessSync(directory, constants.W_OK);
  } catch {
    throw new UsageError(`cannot write the report to ${file}: the directory ${directory} is not writable`);
  }
}

async function runSimulate(flags: SimulateFlags, command: Command, io: CliStreams): Promise<void> {
  if (flags.report !== undefined) checkReportFile(flags.report);
  const options = await simulationOptions(flags, command);
  const config = parseSimulationOptions(options);
  const interactive = flags.progress ?? (io.stdout.isTTY === true && flags.json !== true);
  const progress = interactive
    ? (io.progress ?? ((total, days) => progressBar(io.stderr, total, days)))(config.inquiries, config.days)
    : silentProgress;
  const reportViews: ReportView[] = [];
  const { onView, onProgress } = options;
  const started = performance.now();
  let result;
  try {
    result = simulate({
      ...options,
      // Views are streamed: the command keeps only what the KPIs and the report read.
      keepViews: false,
      ...(flags.report === undefined
        ? {}
        : {
            onView: (view: InquiryView) => {
              onView?.(view);
              reportViews.push(reportView(view));
            },
          }),
      ...(progress.onProgress === undefined
        ? {}
        : {
            onProgress: (update: SimulationProgress) => {
              onProgress?.(update);
              progress.onProgress?.(update);
            },
          }),
    });
  } finally {
    progress.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  if (flags.json === true) {
    io.stdout.write(`${JSON.stringify({ stats: result.stats, metrics: result.metrics, timeline: result.timeline })}\n`);
  } else {
    if (result.metrics !== null) io.stdout.write(`${kpiTable(result.metrics, result.stats)}\n`);
    if (interactive) {
      io.stderr.write(
        `\nSimulated ${result.stats.inquiries.toLocaleString('en-US')} inquiries in ${seconds.toFixed(1)} s (${Math.round(result.stats.steps / seconds).toLocaleString('en-US')} process steps/s)\n`,
      );
    }
  }
  if (flags.report !== undefined) {
    const title =
      flags.title ??
      `serviceflow simulation: ${config.inquiries.toLocaleString('en-US')} inquiries over ${config.days} days (seed ${config.seed})`;
    writeFileSync(flags.report, simulationReport({ ...result, views: reportViews }, { title }));
    io.stderr.write(`Report written to ${flags.report}\n`);
  }
}

interface StaffFlags extends SimulationFlags {
  readonly target: PlanTarget;
  readonly seeds: number;
  readonly rounds: number;
  readonly maxOccupancy?: number;
  readonly json?: boolean;
  readonly report?: string;
  readonly title?: string;
}

const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const;

/** `80/20` (80 % within 20 s; `90/4h` with a unit), `asa:30s`, or `sla:firstResponse:95`. */
function staffingTarget(value: string): PlanTarget {
  const shareWithin = /^(\d+(?:\.\d+)?)\/(.+)$/.exec(value);
  const asa = /^asa[:=](.+)$/.exec(value);
  const sla = /^sla[:=](\w+)[:=/](\d+(?:\.\d+)?)$/.exec(value);
  const percent = (text: string): number => {
    const n = Number(text);
    if (!(n > 0 && n < 100))
      throw new InvalidArgumentError(`the share must be a percentage above 0 and below 100 (received ${text})`);
    return n / 100;
  };
  const duration = (text: string): number => {
    const ms = /^\d+(?:\.\d+)?$/.test(text) ? Number(text) * 1000 : parseDuration(text);
    if (ms === undefined)
      throw new InvalidArgumentError(`'${text}' is not a duration: seconds, or text such as '20s' or '4h'`);
    return ms;
  };
  if (shareWithin !== null)
    return { share: percent(shareWithin[1] ?? ''), answeredWithin: duration(shareWithin[2] ?? '') };
  if (asa !== null) return { asa: duration(asa[1] ?? '') };
  if (sla !== null) {
    const metric = SLA_METRICS.find((m) => m === sla[1]);
    if (metric === undefined)
      throw new InvalidArgumentError(`unknown SLA metric '${sla[1] ?? ''}': expected ${SLA_METRICS.join(', ')}`);
    return { sla: metric, attainment: percent(sla[2] ?? '') };
  }
  throw new InvalidArgumentError('expected 80/20 (80 % answered within 20 s), asa:30s or sla:firstResponse:95');
}

const share = (value: string): number => {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('must be a share above 0 and at most 1, such as 0.85');
  return n;
};

async function runStaff(flags: StaffFlags, command: Command, io: CliStreams): Promise<void> {
  const options = await simulationOptions(flags, command);
  const interactive = io.stdout.isTTY === true && flags.json !== true;
  const plan = planStaffing(options, flags.target, {
    seeds: flags.seeds,
    maxRounds: flags.rounds,
    ...(flags.maxOccupancy === undefined ? {} : { maxOccupancy: flags.maxOccupancy }),
    ...(interactive
      ? {
          onRound: (round) =>
            void io.stderr.write(`round ${round.round}: ${round.short} hours short, ${round.agentHours} agent-hours\n`),
        }
      : {}),
  });
  if (flags.json === true) io.stdout.write(`${JSON.stringify(plan)}\n`);
  else io.stdout.write(`${staffingTable(plan)}\n`);
  if (flags.report !== undefined) {
    writeFileSync(
      flags.report,
      staffingReport(plan, { title: flags.title ?? `serviceflow staffing plan: ${describeTarget(plan.target)}` }),
    );
    io.stderr.write(`Report written to ${flags.report}\n`);
  }
}

function program(io: CliStreams): Command {
  const root = new Command('serviceflow')
    .description(
      'Customer-service processes as typed XState machines: simulate a service desk, plan its staffing, print state diagrams.',
    )
    .version(version, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => void io.stdout.write(text), writeErr: (text) => void io.stderr.write(text) })
    .showHelpAfterError();

  simulationFlags(root.command('simulate').description('simulate a service desk on a virtual clock and print its KPIs'))
    .option('--json', 'print stats, metrics and timeline as one JSON line instead of the table')
    .addOption(new Option('-r, --report <file.html>', 'also write a self-contained HTML report with charts'))
    .option('--title <text>', 'title of the HTML report')
    .option('--progress', 'draw the progress bar even when the output is not a terminal')
    .option('--no-progress', 'never draw the progress bar')
    .action((flags: SimulateFlags, command: Command) => runSimulate(flags, command, io));

  simulationFlags(
    root
      .command('staff')
      .description('plan the agents a desk needs per hour of the week for a target, checked by simulation'),
  )
    .requiredOption(
      '-t, --target <target>',
      'what every hour must meet: 80/20 (80 % answered within 20 s), asa:30s, or sla:firstResponse:95',
      staffingTarget,
    )
    .option('--seeds <n>', 'simulations per check (more seeds, less noise)', integer('--seeds', 1), 3)
    .option('--rounds <n>', 'checks at most', integer('--rounds', 1), 8)
    .option('--max-occupancy <share>', 'the closed-form first guess keeps agents at most this busy, e.g. 0.85', share)
    .option('--json', 'print the plan as one JSON line instead of the table')
    .addOption(new Option('-r, --report <file.html>', 'also write a self-contained HTML report with charts'))
    .option('--title <text>', 'title of the HTML report')
    .action((flags: StaffFlags, command: Command) => runStaff(flags, command, io));

  root
    .command('diagram')
    .description('print the Mermaid state diagram of a built-in machine')
    .argument('[machine]', 'inquiry or contact', 'inquiry')
    .option('--lr', 'lay the diagram out left to right')
    .action((machine: string, flags: { lr?: boolean }) => {
      const machines = { inquiry: inquiryMachine, contact: contactMachine } as const;
      if (machine !== 'inquiry' && machine !== 'contact')
        throw new UsageError(`unknown machine '${machine}': expected inquiry or contact`);
      io.stdout.write(`${toMermaid(machines[machine], flags.lr === true ? { direction: 'LR' } : {})}\n`);
    });
  return root;
}

/**
 * Runs the `serviceflow` command with `argv` (the arguments after the program name) and returns
 * its exit code: 0 on success, 1 on a failure, 2 on a usage error (bad flag, bad option value).
 */
export async function runCli(argv: readonly string[], io: CliStreams): Promise<number> {
  try {
    await program(io).parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      io.stderr.write(`serviceflow: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ServiceFlowError && error.code === 'INVALID_CONFIG') {
      io.stderr.write(`serviceflow: ${error.code}: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(`serviceflow: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
