/** Output streams for `runCli` that keep what the command writes, as a terminal (`isTTY`) or a pipe. */
export function streams(isTTY: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { isTTY, write: (text: string) => out.push(text) },
      stderr: { isTTY, write: (text: string) => err.push(text) },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}
