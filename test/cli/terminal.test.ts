// The command as a process: what a shell sees when it pipes, interrupts or kills `serviceflow`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SHOW_CURSOR = '\x1b[?25h';
const HIDE_CURSOR = '\x1b[?25l';
const WRAP_ON = '\x1b[?7h';
const WRAP_OFF = '\x1b[?7l';

interface Run {
  readonly child: ReturnType<typeof spawn>;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `serviceflow …` from source, as `npm run simulate` does. */
function serviceflow(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

function stderrShows(run: Run, text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (run.stderr().includes(text)) {
        run.child.stderr?.off('data', check);
        resolve();
      }
    };
    run.child.stderr?.on('data', check);
    check();
  });
}

describe('the serviceflow process', { timeout: 90_000 }, () => {
  it('exits quietly with 0 when the reader of its output goes away (| head)', async () => {
    const run = serviceflow(['simulate', '--inquiries', '3000', '--days', '3', '--json']);
    run.child.stdout?.destroy();
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stderr()).toBe('');
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'on %s during the progress bar, shows the cursor again, turns line wrap back on and exits %i',
    async (signal, code) => {
      const run = serviceflow(['simulate', '--inquiries', '2000000', '--days', '60', '--progress']);
      await stderrShows(run, 'Simulating');
      expect(run.stderr()).toContain(HIDE_CURSOR);
      expect(run.stderr()).toContain(WRAP_OFF);
      run.child.kill(signal);
      expect(await run.exit).toEqual({ code, signal: null });
      const after = run.stderr().slice(run.stderr().lastIndexOf('Simulating'));
      expect(after).toContain(SHOW_CURSOR);
      expect(after).toContain(WRAP_ON);
      expect(run.stdout()).toBe('');
    },
  );

  it('prints its version', async () => {
    const run = serviceflow(['--version']);
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(run.stdout()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
