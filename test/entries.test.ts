// The package's entries are the only doors into src/: tests and examples go through them, as users do.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The TypeScript files under `folder`, as paths relative to the repository. */
function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => /\.m?ts$/.test(path))
    .map((path) => join(folder, path));
}

/** The files among `paths` that import something under src/ by a relative path. */
function deepImporters(paths: readonly string[]): string[] {
  return paths.filter((path) =>
    /(from\s+|import\s*\(\s*)'(\.\.?\/)+src\//.test(readFileSync(join(root, path), 'utf8')),
  );
}

describe('the entries', () => {
  it('are what tests and examples import: no relative import of src/ outside test/internal', () => {
    // The command loads these configs through jiti, outside vitest's aliases (see test/internal/README.md).
    const loadedByTheCommand = /^test\/cli\/fixtures\//;
    const tests = sources('test').filter(
      (path) => !path.startsWith('test/internal/') && !loadedByTheCommand.test(path),
    );
    expect(deepImporters([...tests, ...sources('examples')])).toEqual([]);
  });
});
