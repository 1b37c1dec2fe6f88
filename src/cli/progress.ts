/**
 * The simulation's progress bar: cli-progress on a terminal, nothing when the output is piped.
 */
import cliProgress from 'cli-progress';
import type { SimulationProgress } from '../testing/simulation-options.js';

/** Where the command writes; `isTTY` decides whether a progress bar is drawn. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Reports simulation progress; `stop` clears the bar. */
export interface ProgressReporter {
  readonly onProgress: ((progress: SimulationProgress) => void) | undefined;
  stop(): void;
}

/**
 * A progress bar on `stream` when `interactive`, else a reporter that does nothing (so piped
 * output and CI logs stay clean). The bar redraws synchronously: the simulation never yields to
 * the event loop, so a timer-driven redraw would never run.
 */
export function progressReporter(stream: Output, interactive: boolean, total: number, days: number): ProgressReporter {
  if (!interactive) return { onProgress: undefined, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: 'Simulating |{bar}| {percentage}% · day {day}/{days} · {arrived} of {inquiries} inquiries · {steps} steps · ETA {eta_formatted}',
      barsize: 28,
      hideCursor: true,
      clearOnComplete: true,
      synchronousUpdate: true,
      fps: 15,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { day: 0, days: Math.ceil(days), arrived: 0, inquiries: total.toLocaleString('en-US'), steps: 0 });
  return {
    onProgress(progress) {
      bar.update(Math.round(progress.fraction * 1000), {
        day: Math.min(Math.ceil(days), Math.floor(progress.fraction * days)),
        arrived: progress.arrived.toLocaleString('en-US'),
        steps: progress.steps.toLocaleString('en-US'),
      });
    },
    stop() {
      bar.stop();
    },
  };
}
