/**
 * The size budget of the core bundle: what a browser or edge app that imports `createProcess`,
 * `inquiryMachine`, `slaPolicy` and `businessCalendar` ships, bundled by esbuild for the browser,
 * minified, with xstate and zod, gzipped.
 *
 *   npm run size            measure dist/index.js (after npm run build), print one JSON line, exit 1 over budget
 *   npm run size -- --src   measure src/index.ts (no build needed)
 *
 * test/packaging.test.ts checks the same budget on the source.
 */
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The budget, in gzipped bytes: 65 KB (issue 14). serviceflow's schemas are written with zod/mini,
 * whose schemas carry no methods they do not use; a schema on zod's classic entry would bring all
 * of classic zod back into the bundle.
 */
export const CORE_BUNDLE_BUDGET = 65 * 1024;

/** What the core bundle weighs. */
export interface BundleSize {
  readonly entry: string;
  readonly minifiedBytes: number;
  readonly gzipBytes: number;
  readonly budgetBytes: number;
}

/** Bundles the core imports of `entry` (a path from the repository root) and measures them. */
export async function coreBundleSize(entry: string): Promise<BundleSize> {
  const result = await build({
    stdin: {
      contents: `export { createProcess, inquiryMachine, slaPolicy, businessCalendar } from ${JSON.stringify(`./${entry}`)};`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    entry,
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    budgetBytes: CORE_BUNDLE_BUDGET,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const size = await coreBundleSize(process.argv.includes('--src') ? 'src/index.ts' : 'dist/index.js');
  console.log(
    JSON.stringify({
      name: 'core bundle (createProcess + inquiryMachine + slaPolicy + businessCalendar, esbuild browser minify gzip)',
      ...size,
    }),
  );
  if (size.gzipBytes > size.budgetBytes) {
    console.error(
      `core bundle is ${(size.gzipBytes / 1024).toFixed(1)} KB gzip, over the budget of ${size.budgetBytes / 1024} KB`,
    );
    process.exitCode = 1;
  }
}
