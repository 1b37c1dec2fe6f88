// The package's entries are the only doors into src/: each decides, by an explicit list, what is
// public; tests and examples go through them, as users do.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as root from 'serviceflow';
import * as stores from 'serviceflow/stores';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string): string => readFileSync(join(repo, path), 'utf8');

/** Entry file → the specifier users import it by (package.json `exports`, without `./package.json`). */
const pkg = JSON.parse(read('package.json')) as { exports: Record<string, unknown>; typesVersions: { '*': object } };
const entries = new Map(
  Object.keys(pkg.exports)
    .filter((key) => key !== './package.json')
    .map((key) => [
      key === '.' ? 'src/index.ts' : `src/${key.slice(2)}.ts`,
      key === '.' ? 'serviceflow' : `serviceflow/${key.slice(2)}`,
    ]),
);

/** The TypeScript files under `folder`, as paths relative to the repository. */
function sources(folder: string): string[] {
  return readdirSync(join(repo, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => /\.m?ts$/.test(path))
    .map((path) => join(folder, path));
}

/** The files among `paths` that import something under src/ by a relative path. */
function deepImporters(paths: readonly string[]): string[] {
  return paths.filter((path) => /(from\s+|import\s*\(\s*)'(\.\.?\/)+src\//.test(read(path)));
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

  it('each open with a @module summary and list their names explicitly (no export *)', () => {
    for (const [file, specifier] of entries) {
      const text = read(file);
      expect(text, file).toContain(`@module ${specifier}\n`);
      expect(text, file).not.toMatch(/^export (type )?\*/m);
    }
  });

  it('are built, typed for node10 and documented alike: tsup, typesVersions and typedoc name every entry', () => {
    const tsup = read('tsup.config.ts');
    const typedoc = JSON.parse(read('typedoc.json')) as { entryPoints: string[] };
    for (const [file, specifier] of entries) {
      expect(tsup, file).toContain(`'${file}'`);
      expect(typedoc.entryPoints, file).toContain(file);
      if (specifier !== 'serviceflow') expect(Object.keys(pkg.typesVersions['*']), file).toContain(specifier.slice(12));
    }
  });

  it('keep the root to what users of the process, the policies and the desk need (at most 90 values)', () => {
    expect(Object.keys(root).length).toBeLessThanOrEqual(90);
    for (const internal of [
      'abbreviate',
      'describeZodError',
      'contactDefinition',
      'checkServiceMachine',
      'AssignEvent',
    ])
      expect(Object.keys(root)).not.toContain(internal);
  });

  it('offer the store-author helpers on serviceflow/stores, not on the root', () => {
    const helpers = [
      'checkQueryInteger',
      'checkSnapshotWrite',
      'compareSnapshotIds',
      'createConflict',
      'journalEntries',
      'journalEntryId',
      'parkEntry',
      'saveConflict',
      'unparkEntry',
    ];
    expect(Object.keys(stores).sort()).toEqual(helpers);
    for (const helper of helpers) expect(Object.keys(root)).not.toContain(helper);
    expect(stores.createConflict('T-1')).toBeInstanceOf(root.ConflictError);
  });
});
