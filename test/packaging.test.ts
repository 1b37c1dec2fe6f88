// What the package costs its users: which dependencies an entry loads, and what the core weighs.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { coreBundleSize } from '../scripts/bundle-size.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The packages an entry loads when it is imported (everything it reaches, statically). */
async function packagesLoadedBy(entry: string): Promise<Set<string>> {
  const { metafile } = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const packages = Object.values(metafile.inputs).flatMap((input) =>
    input.imports.filter((i) => i.external).map((i) => i.path),
  );
  return new Set(
    packages.map((path) =>
      (path.startsWith('@') ? path.split('/').slice(0, 2) : path.split('/').slice(0, 1)).join('/'),
    ),
  );
}

describe('the package', () => {
  it('imports serviceflow/testing without fast-check; only serviceflow/testing/arbitraries loads it', async () => {
    expect(await packagesLoadedBy('src/testing.ts')).not.toContain('fast-check');
    expect(await packagesLoadedBy('src/testing/arbitraries.ts')).toContain('fast-check');
  });

  it('loads no optional integration from the root entry or serviceflow/stores', async () => {
    for (const entry of ['src/index.ts', 'src/stores.ts']) {
      const loaded = await packagesLoadedBy(entry);
      for (const optional of ['fast-check', 'pg', '@electric-sql/pglite', 'bullmq', 'ioredis', 'jiti'])
        expect(loaded, entry).not.toContain(optional);
    }
  });

  it('keeps the core bundle (createProcess, inquiryMachine, slaPolicy, businessCalendar with xstate and zod) within its budget (65 KB gzip)', async () => {
    const size = await coreBundleSize('src/index.ts');
    expect(size.gzipBytes).toBeLessThanOrEqual(size.budgetBytes);
  });
});
