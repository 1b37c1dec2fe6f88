/**
 * The architecture check (`npm run check:architecture`, run in CI): reads every file under `src/`
 * with the TypeScript compiler and fails when
 *
 * - an import runs the wrong way between folders (ARCHITECTURE §2: errors.ts at the bottom, then
 *   schemas ← policies ← machines ← engine ← process ← stores/desk/metrics ← testing/planning/
 *   adapters/cli, entry files on top),
 * - src files import each other in a cycle (type-only imports included: a cycle of types is a
 *   cycle a reader has to hold in their head all the same),
 * - a function is longer than {@link MAX_FUNCTION_LINES} lines (STYLE habit 6).
 *
 * Each problem is printed as `file:line: message`; the exit code is 1 when there is any.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const defaultSrc = join(root, 'src');

/** The longest a function may be, in lines, its signature and closing brace included. */
export const MAX_FUNCTION_LINES = 150;

/**
 * The layers, bottom first: a file may import from its own layer's folders and from layers below.
 * A folder is the first path segment under `src/` (a file directly under `src/` is its own name).
 */
export const LAYERS: readonly (readonly string[])[] = [
  ['errors.ts', 'internal'],
  ['schemas'],
  ['policies'],
  ['machines'],
  ['engine'],
  ['process'],
  ['stores', 'desk', 'metrics'],
  ['testing', 'planning', 'adapters', 'cli'],
  // The entry files: the only places that decide what is public.
  ['index.ts', 'stores.ts', 'testing.ts', 'planning.ts', 'postgres.ts', 'bullmq.ts', 'cli.ts'],
];

/**
 * Imports between folders of one layer that are fine as they are (the direction within a layer is
 * not fixed by ARCHITECTURE §2; cycles are still refused).
 */
const ALLOWED_WITHIN_LAYER: ReadonlySet<string> = new Set([
  'desk -> stores', // the desk runs over a store
  'metrics -> stores', // metrics read journals
  'testing -> planning',
  'planning -> testing', // capacity planning runs the simulator
  'adapters -> desk',
  'adapters -> stores',
  'cli -> testing',
  'cli -> planning',
  'cli -> adapters',
]);

/**
 * TEMPORARY: known problems that other streams of issue 13 are fixing. The lead removes each entry
 * when the stream that fixes it lands; nothing new belongs here.
 */
const TEMPORARY_ALLOWLIST: ReadonlySet<string> = new Set<string>([]);

/** One thing the check refuses. */
export interface Problem {
  /** `src/…:line`. */
  readonly where: string;
  readonly message: string;
  /** What {@link TEMPORARY_ALLOWLIST} names it by. */
  readonly key: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** A file's path under `src` (the folder being checked), with forward slashes. */
const shortName = (src: string, file: string): string => relative(src, file).split(sep).join('/');

/** The folder a file belongs to (its first segment under `src`). */
const folderOf = (src: string, file: string): string => shortName(src, file).split('/')[0] ?? '';

function layerOf(folder: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  if (index === -1) throw new Error(`scripts/check-architecture.ts: src/${folder} is in no layer; add it to LAYERS`);
  return index;
}

interface Import {
  readonly from: string;
  readonly to: string;
  readonly line: number;
}

/** The relative imports and re-exports of a file that resolve to files under `src/`. */
function importsOf(src: string, file: string, source: ts.SourceFile): Import[] {
  const imports: Import[] = [];
  const add = (specifier: ts.Expression | undefined, node: ts.Node): void => {
    if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
    const target = resolve(dirname(file), specifier.text.replace(/\.js$/, '.ts'));
    if (!target.startsWith(src + sep)) return;
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
    imports.push({ from: file, to: target.endsWith('.ts') ? target : `${target}.ts`, line });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier, node);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], node);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node.argument.literal as ts.Expression, node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return imports;
}

function directionProblems(src: string, imports: readonly Import[]): Problem[] {
  const problems: Problem[] = [];
  for (const { from, to, line } of imports) {
    const [a, b] = [folderOf(src, from), folderOf(src, to)];
    if (a === b) continue;
    const [la, lb] = [layerOf(a), layerOf(b)];
    if (la > lb || (la === lb && ALLOWED_WITHIN_LAYER.has(`${a} -> ${b}`))) continue;
    const message =
      la === lb
        ? `${a}/ and ${b}/ share a layer and ALLOWED_WITHIN_LAYER has no '${a} -> ${b}'`
        : `${a}/ sits below ${b}/ (see LAYERS)`;
    problems.push({
      where: `src/${shortName(src, from)}:${line}`,
      message: `wrong-way import of src/${shortName(src, to)}: ${message}`,
      key: `import: ${shortName(src, from)} -> ${shortName(src, to)}`,
    });
  }
  return problems;
}

/** The import cycles between files (Tarjan's strongly connected components, one problem each). */
function cycleProblems(src: string, imports: readonly Import[]): Problem[] {
  const edges = new Map<string, Import[]>();
  for (const edge of imports) edges.set(edge.from, [...(edges.get(edge.from) ?? []), edge]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file) as number);
    stack.push(file);
    onStack.add(file);
    for (const { to } of edges.get(file) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(file, Math.min(low.get(file) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file) as number, index.get(to) as number));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (edges.get(file) ?? []).some((edge) => edge.to === file)) components.push(component);
  };
  for (const file of [...edges.keys()].sort()) if (!index.has(file)) connect(file);
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0] as string;
    const path = cycleThrough(start, members, edges);
    const names = path.map((file) => shortName(src, file));
    const first = (edges.get(start) ?? []).find((edge) => edge.to === path[1]);
    const others = component.length - (path.length - 1);
    return {
      where: `src/${shortName(src, start)}:${first?.line ?? 1}`,
      message: `import cycle: ${names.join(' -> ')}${others > 0 ? ` (${others} more files in the same tangle)` : ''}`,
      key: `cycle: ${component
        .map((file) => shortName(src, file))
        .sort()
        .join(', ')}`,
    };
  });
}

/** The shortest import path from `start` back to itself through `members` (breadth first). */
function cycleThrough(start: string, members: ReadonlySet<string>, edges: ReadonlyMap<string, readonly Import[]>) {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let index = 0; index < queue.length; index++) {
    const at = queue[index] as string;
    for (const { to } of edges.get(at) ?? []) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let step: string | undefined = at; step !== start && step !== undefined; step = cameFrom.get(step))
          path.splice(1, 0, step);
        return [...path, start];
      }
      if (cameFrom.has(to)) continue;
      cameFrom.set(to, at);
      queue.push(to);
    }
  }
  return [start, start];
}

/** The name a reader would look a function up by. */
function functionName(node: ts.FunctionLikeDeclaration): string {
  if (node.name !== undefined && !ts.isComputedPropertyName(node.name)) return node.name.getText();
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent))
    return parent.name.getText();
  return '(anonymous)';
}

function lengthProblems(src: string, file: string, source: ts.SourceFile): Problem[] {
  const problems: Problem[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = functionName(node as ts.FunctionLikeDeclaration);
        problems.push({
          where: `src/${shortName(src, file)}:${start}`,
          message: `function ${name} is ${lines} lines long (at most ${MAX_FUNCTION_LINES}): split it into named parts`,
          key: `long function: ${shortName(src, file)} ${name}`,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

/** Every problem in `src/`, the allowlisted ones included (see {@link TEMPORARY_ALLOWLIST}). */
export function architectureProblems(src: string = defaultSrc): Problem[] {
  const files = sourceFiles(src).sort();
  const imports: Import[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    imports.push(...importsOf(src, file, source));
    problems.push(...lengthProblems(src, file, source));
  }
  return [...directionProblems(src, imports), ...cycleProblems(src, imports), ...problems];
}

/** The problems that fail the check, and the allowlist entries that no longer match anything. */
export function checkArchitecture(): { readonly failures: Problem[]; readonly staleAllowances: string[] } {
  const problems = architectureProblems();
  const keys = new Set(problems.map((problem) => problem.key));
  return {
    failures: problems.filter((problem) => !TEMPORARY_ALLOWLIST.has(problem.key)),
    staleAllowances: [...TEMPORARY_ALLOWLIST].filter((key) => !keys.has(key)),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { failures, staleAllowances } = checkArchitecture();
  for (const { where, message } of failures) console.error(`${where}: ${message}`);
  for (const key of staleAllowances)
    console.error(`scripts/check-architecture.ts: allowlist entry '${key}' matches nothing any more: remove it`);
  if (failures.length > 0 || staleAllowances.length > 0) process.exit(1);
  console.log('architecture ok: imports run one way, no import cycles, no function over 150 lines');
}
