/**
 * Config files of the `serviceflow` command (`--config FILE`): JSON, JavaScript (`.js`, `.mjs`,
 * `.cjs`, loaded by Node itself) or TypeScript (`.ts`, `.mts`, `.cts`, loaded through jiti, an
 * optional peer dependency, so that the command needs no TypeScript toolchain until a config asks
 * for one). A file exports its options as its default export (`module.exports` in CommonJS).
 *
 * `loadConfigFile` reads any config; each command validates what it reads (`loadSimulationConfig`
 * for `simulate`). Every failure is `INVALID_CONFIG` whose message starts with the file's path.
 */
import { stat, readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeZodError, InvalidConfigError } from '../errors.js';
import { SimulationOptions } from '../testing/simulation-options.js';

const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);
const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const EXTENSIONS = '.json, .js, .mjs, .cjs, .ts, .mts or .cts';

/** The first line of an error's message: loaders (a TypeScript syntax error) add code frames. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n', 1)[0] ?? '';
}

function configError(file: string, message: string, cause?: unknown): InvalidConfigError {
  return new InvalidConfigError(`${file}: ${message}`, { path: [], received: file, cause });
}

/** The default export of a loaded module (`module.exports` of CommonJS, which Node and jiti hand over as `default`). */
function defaultExport(module: unknown): unknown {
  return typeof module === 'object' && module !== null && 'default' in module ? module.default : undefined;
}

async function importTypeScript(path: string): Promise<unknown> {
  let jiti: typeof import('jiti');
  try {
    jiti = await import('jiti');
  } catch {
    // A built-in error on purpose: loadConfigFile catches it and reports it as INVALID_CONFIG.
    throw new Error(
      'a TypeScript config needs jiti: npm install --save-dev jiti (or write the config as .mjs or .json)',
    );
  }
  return defaultExport(await jiti.createJiti(path, { moduleCache: false }).import(path));
}

async function importConfig(path: string, extension: string): Promise<unknown> {
  if (extension === '.json') return JSON.parse(await readFile(path, 'utf8'));
  if (JAVASCRIPT.has(extension)) return defaultExport(await import(pathToFileURL(path).href));
  return importTypeScript(path);
}

/**
 * Reads a config file and returns its default export (the parsed JSON for `.json`), without
 * validating it. Throws `INVALID_CONFIG`, its message starting with `file`, when the file is
 * missing, has an extension other than `.json`, `.js`, `.mjs`, `.cjs`, `.ts`, `.mts` or `.cts`,
 * does not load (a syntax error, an exception while it runs, jiti missing for TypeScript) or
 * exports nothing.
 */
export async function loadConfigFile(file: string): Promise<unknown> {
  const path = resolve(file);
  const extension = extname(path).toLowerCase();
  if (extension !== '.json' && !JAVASCRIPT.has(extension) && !TYPESCRIPT.has(extension)) {
    throw configError(file, `unknown kind of config file: expected ${EXTENSIONS}`);
  }
  const found = await stat(path).catch(() => undefined);
  if (found === undefined || !found.isFile()) throw configError(file, 'no such config file');
  let value: unknown;
  try {
    value = await importConfig(path, extension);
  } catch (error) {
    throw configError(file, `cannot be loaded: ${firstLine(error)}`, error);
  }
  if (value === undefined || value === null) {
    throw configError(
      file,
      'exports nothing: export the options as the default export (export default defineSimulation({ … }))',
    );
  }
  return value;
}

/**
 * Reads the simulation options of `serviceflow simulate --config FILE` and validates them as
 * `simulate` does. Returns the options as written (defaults not filled in), so that flags given
 * on the command line can still override them. Throws `INVALID_CONFIG` with the file's path and
 * the offending option's path.
 */
export async function loadSimulationConfig(file: string): Promise<SimulationOptions> {
  const value = await loadConfigFile(file);
  const parsed = SimulationOptions.safeParse(value);
  if (!parsed.success) {
    const { message, details } = describeZodError('simulation options', value, parsed.error);
    throw new InvalidConfigError(`${file}: ${message}`, details);
  }
  // Validated just above: what the schema accepts is its input type.
  return value as SimulationOptions;
}
