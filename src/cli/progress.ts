/**
 * The simulation's progress bar: cli-progress on a terminal, nothing when the output is piped.
 */
import cliProgress from 'cli-progress';
import type { SimulationProgress } from '../testing/simulation-options.js';

/** Where the command writes; `isTTY` decides whether a progress bar is drawn. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Reports simulation progress; `stop` clears the bar and gives the terminal back as it was. */
export interface ProgressReporter {
  readonly onProgress: ((progress: SimulationProgress) => void) | undefined;
  stop(): void;
}

/** Makes the reporter of one simulation of `total` inquiries over `days`. */
export type ProgressFactory = (total: number, days: number) => ProgressReporter;

/** A reporter that draws nothing. */
export const silentProgress: ProgressReporter = { onProgress: undefined, stop: () => {} };

/**
 * A progress bar on `stream`. While it is drawn the cursor is hidden and line wrapping is off;
 * `stop` shows the cursor and turns wrapping back on. The bar redraws synchronously: the
 * simulation never yields to the event loop, so a timer-driven redraw would never run.
 */
export function progressBar(stream: Output, total: number, days: number): ProgressReporter {
  // Drawn because the caller asked for it (a terminal, or --progress): cli-progress draws only
  // on what says it is a terminal.
  const terminal = { write: (text: string) => stream.write(text), isTTY: true, columns: stream.columns ?? 100 };
  const bar = new cliProgress.SingleBar(
    {
      stream: terminal as unknown as NodeJS.WritableStream,
      format:
        'Simulating |{bar}| {percentage}% · day {day}/{days} · {arrived} of {inquiries} inquiries · {steps} steps · ETA {eta_formatted}',
      barsize: 28,
      hideCursor: true,
      linewrap: false,
      clearOnComplete: true,
      synchronousUpdate: true,
      fps: 15,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { day: 0, days: Math.ceil(days), arrived: 0, inquiries: total.toLocaleString('en-US'), steps: 0 });
  let stopped = false;
  return {
    onProgress(progress) {
      bar.update(Math.round(progress.fraction * 1000), {
        day: Math.min(Math.ceil(days), Math.floor(progress.fraction * days)),
        arrived: progress.arrived.toLocaleString('en-US'),
        steps: progress.steps.toLocaleString('en-US'),
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      bar.stop();
    },
  };
}
