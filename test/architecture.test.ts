// The architecture check of CI (scripts/check-architecture.ts): the repository passes it, and it
// catches what it is there to catch.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { architectureProblems, checkArchitecture } from '../scripts/check-architecture.js';

describe('the architecture check', () => {
  it('passes on src/: imports run one way, no cycles, no function over 150 lines', () => {
    const { failures, staleAllowances } = checkArchitecture();
    expect(failures.map(({ where, message }) => `${where}: ${message}`)).toEqual([]);
    expect(staleAllowances).toEqual([]);
  });

  const tree = mkdtempSync(join(tmpdir(), 'serviceflow-architecture-'));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(tree, path)), { recursive: true });
    writeFileSync(join(tree, path), text);
  };

  it('reports a wrong-way import, an import cycle and a long function with file and line', () => {
    write('errors.ts', 'export class ServiceFlowError extends Error {}\n');
    write(
      'machines/inquiry.ts',
      "import { createProcess } from '../process/createProcess.js';\nexport const a = createProcess;\n",
    );
    write('process/createProcess.ts', "import './definition.js';\nexport const createProcess = 1;\n");
    write('process/definition.ts', "import type { View } from './view.js';\nexport type Definition = View;\n");
    write('process/view.ts', "import type { Definition } from './definition.js';\nexport type View = Definition;\n");
    write('engine/stepper.ts', `export function step(): void {\n${'  void 0;\n'.repeat(150)}}\n`);
    const problems = architectureProblems(tree).map(({ where, message }) => `${where}: ${message}`);
    expect(problems).toEqual([
      'src/machines/inquiry.ts:1: wrong-way import of src/process/createProcess.ts: machines/ sits below process/ (see LAYERS)',
      'src/process/definition.ts:1: import cycle: process/definition.ts -> process/view.ts -> process/definition.ts',
      'src/engine/stepper.ts:1: function step is 152 lines long (at most 150): split it into named parts',
    ]);
  });
});
