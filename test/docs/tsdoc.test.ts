/**
 * The TSDoc check: every public export (what the entry files export, re-exports followed) has a
 * TSDoc summary, and every public value (function, const, class, zod schema) has an `@example`
 * with a ```ts block. The examples themselves are type-checked by code-blocks.test.ts, through the
 * API reference that `npm run docs:api` renders from them into docs/api.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The entry files and the specifier users import each one by. */
const entries: Readonly<Record<string, string>> = {
  'src/index.ts': 'serviceflow',
  'src/stores.ts': 'serviceflow/stores',
  'src/postgres.ts': 'serviceflow/postgres',
  'src/bullmq.ts': 'serviceflow/bullmq',
  'src/testing.ts': 'serviceflow/testing',
  'src/planning.ts': 'serviceflow/planning',
  'src/testing/arbitraries.ts': 'serviceflow/testing/arbitraries',
};

/**
 * Exports whose source is being written in another change right now; each entry is
 * `specifier:name` and must leave this list as soon as it is documented (the suite fails on
 * entries that no longer need to be here).
 */
const pendingDoc = new Set<string>([]);
const pendingExample = new Set<string>([]);

interface PublicExport {
  /** `serviceflow/testing:arbitraries.trace`. */
  readonly name: string;
  readonly documented: boolean;
  readonly isValue: boolean;
  /** The number of `@example` tags that hold a ```ts block. */
  readonly examples: number;
  /** `@example` tags without a ```ts block (the docs check would not type-check them). */
  readonly unfencedExamples: number;
}

const VALUE = ts.SymbolFlags.Function | ts.SymbolFlags.Variable | ts.SymbolFlags.Class | ts.SymbolFlags.Enum;

function publicExports(): PublicExport[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(
    Object.keys(entries).map((file) => join(root, file)),
    { ...options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const found: PublicExport[] = [];

  const visit = (exported: ts.Symbol, name: string): void => {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    // `export * as ns from './file.js'` names a whole module: its summary sits on that export.
    const isNamespace = target.valueDeclaration !== undefined && ts.isSourceFile(target.valueDeclaration);
    const summary = isNamespace
      ? (exported.declarations ?? []).flatMap((declaration) => ts.getJSDocCommentsAndTags(declaration.parent)).some((doc) => ts.isJSDoc(doc) && doc.comment)
      : ts.displayPartsToString(target.getDocumentationComment(checker)).trim() !== '';
    const examples = (isNamespace ? [] : target.getJsDocTags(checker))
      .filter((tag) => tag.name === 'example')
      .map((tag) => ts.displayPartsToString(tag.text));
    const fenced = examples.filter((text) => text.includes('```ts')).length;
    found.push({
      name,
      documented: summary,
      isValue: (target.flags & VALUE) !== 0,
      examples: fenced,
      unfencedExamples: examples.length - fenced,
    });
    if (isNamespace) {
      for (const member of checker.getExportsOfModule(target)) visit(member, `${name}.${member.name}`);
    }
  };

  for (const [file, specifier] of Object.entries(entries)) {
    const source = program.getSourceFile(join(root, file));
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`${file} is not a module`);
    for (const exported of checker.getExportsOfModule(module)) visit(exported, `${specifier}:${exported.name}`);
  }
  return found;
}

describe('TSDoc on the public API', () => {
  const exports = publicExports();
  const undocumented = exports.filter((e) => !e.documented).map((e) => e.name);
  const withoutExample = exports.filter((e) => e.isValue && e.examples === 0).map((e) => e.name);

  it('finds the public exports of every entry', () => {
    for (const specifier of Object.values(entries)) {
      expect(exports.filter((e) => e.name.startsWith(`${specifier}:`)).length, specifier).toBeGreaterThan(0);
    }
  });

  it('documents every public export with at least a one-line summary', () => {
    expect(undocumented.filter((name) => !pendingDoc.has(name))).toEqual([]);
  });

  it('gives every public function, const and class an @example', () => {
    expect(withoutExample.filter((name) => !pendingExample.has(name))).toEqual([]);
  });

  it('fences every @example as a ```ts block, so the docs check type-checks it', () => {
    expect(exports.filter((e) => e.unfencedExamples > 0).map((e) => e.name)).toEqual([]);
  });

  it('lists as pending only exports that still need it', () => {
    expect([...pendingDoc].filter((name) => !undocumented.includes(name))).toEqual([]);
    expect([...pendingExample].filter((name) => !withoutExample.includes(name))).toEqual([]);
  });
});
