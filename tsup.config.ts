import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    stores: 'src/stores.ts',
    postgres: 'src/postgres.ts',
    bullmq: 'src/bullmq.ts',
    testing: 'src/testing.ts',
    planning: 'src/planning.ts',
    'testing/arbitraries': 'src/testing/arbitraries.ts',
    cli: 'src/cli.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
});
