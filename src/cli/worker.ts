/**
 * The command runs in a worker thread, the terminal stays with the main thread. A simulation
 * never yields to the event loop, so a thread that runs it cannot answer Ctrl-C or a closed
 * pipe; the main thread can: it draws the progress bar, writes what the worker sends, and on
 * SIGINT or SIGTERM gives the terminal back (cursor shown, line wrap on) and exits 130 or 143; on
 * a closed pipe (`serviceflow simulate | head -1`) it exits quietly with 0.
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { SimulationProgress } from '../testing/simulation-options.js';
import { progressBar, type Output, type ProgressReporter } from './progress.js';

type StreamName = 'stdout' | 'stderr';

/** What the worker tells the main thread, in order. */
type WorkerMessage =
  | { readonly kind: 'write'; readonly stream: StreamName; readonly text: string }
  | { readonly kind: 'progress.start'; readonly total: number; readonly days: number }
  | { readonly kind: 'progress'; readonly progress: SimulationProgress }
  | { readonly kind: 'progress.stop' }
  | { readonly kind: 'exit'; readonly code: number };

/** What the worker knows of the main thread's streams. */
interface StreamTraits {
  readonly isTTY: boolean;
  readonly columns?: number;
}

interface CommandData {
  readonly argv: readonly string[];
  readonly stdout: StreamTraits;
  readonly stderr: StreamTraits;
}

/** Exit codes of a process ended by a signal, as shells report them: 128 + the signal number. */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

const traits = (stream: NodeJS.WriteStream): StreamTraits => ({
  isTTY: stream.isTTY === true,
  ...(stream.columns === undefined ? {} : { columns: stream.columns }),
});

const isClosedPipe = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EPIPE';

/**
 * Runs the command with `argv` in a worker thread started from `entry` (the command's own file,
 * which calls {@link serveCommand} when it is not the main thread), and owns the terminal.
 */
export function runCommandInWorker(entry: URL, argv: readonly string[]): void {
  const data: CommandData = { argv, stdout: traits(process.stdout), stderr: traits(process.stderr) };
  const worker = entry.pathname.endsWith('.ts')
    ? // Run from source (npm run simulate, the tests): the worker loads TypeScript through tsx, as
      // the main thread did (a worker does not inherit the loader on Node 20).
      new Worker(
        `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`,
        { eval: true, workerData: data },
      )
    : new Worker(entry, { workerData: data });
  let bar: ProgressReporter | undefined;

  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  const exit = (code: number) => {
    stopBar();
    void worker.terminate();
    process.exit(code);
  };
  // A reader that went away (`| head`) wants no more output and no complaint about it.
  const onStreamError = (error: unknown) => {
    if (!isClosedPipe(error)) throw error;
    bar = undefined; // nothing to restore on a closed stream
    void worker.terminate();
    process.exit(0);
  };
  process.stdout.on('error', onStreamError);
  process.stderr.on('error', onStreamError);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => exit(SIGNAL_EXIT_CODES[signal]));

  worker.on('message', (message: WorkerMessage) => {
    switch (message.kind) {
      case 'write':
        process[message.stream].write(message.text);
        break;
      case 'progress.start':
        stopBar();
        bar = progressBar(process.stderr, message.total, message.days);
        break;
      case 'progress':
        bar?.onProgress?.(message.progress);
        break;
      case 'progress.stop':
        stopBar();
        break;
      case 'exit':
        stopBar();
        process.exitCode = message.code;
        // The command is done; a config file's left-over timers must not keep it alive.
        void worker.terminate();
        break;
    }
  });
  worker.on('error', (error) => {
    stopBar();
    process.stderr.write(`serviceflow: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
}

/** The worker's side: runs the command and sends its output to the main thread. */
export async function serveCommand(): Promise<void> {
  const port = parentPort;
  // A programmer error no input can cause: the entry calls this only off the main thread, where
  // there is always a parent port.
  if (port === null) throw new TypeError('serveCommand runs in a worker thread');
  const data = workerData as CommandData;
  const send = (message: WorkerMessage) => port.postMessage(message);
  const output = (stream: StreamName): Output => ({
    ...data[stream],
    write: (text: string) => send({ kind: 'write', stream, text }),
  });
  const { runCli } = await import('./program.js');
  const code = await runCli(data.argv, {
    stdout: output('stdout'),
    stderr: output('stderr'),
    progress: (total, days) => {
      send({ kind: 'progress.start', total, days });
      return {
        onProgress: (progress) => send({ kind: 'progress', progress }),
        stop: () => send({ kind: 'progress.stop' }),
      };
    },
  });
  send({ kind: 'exit', code });
}
