import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { loadSimulationConfig, runCli } from '../internal/internals.js';
import { ServiceFlowError } from 'serviceflow';
import { defineSimulation, type SimulationOptions } from 'serviceflow/testing';

function streams() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { isTTY: false, write: (text: string) => out.push(text) },
      stderr: { isTTY: false, write: (text: string) => err.push(text) },
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

interface JsonOutput {
  stats: { inquiries: number };
  metrics: { slaAttainment: { firstResponse: { met: number; breached: number } } };
}

const dir = mkdtempSync(join(tmpdir(), 'serviceflow-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function simulateWith(args: string[]): Promise<JsonOutput> {
  const s = streams();
  const code = await runCli(['simulate', '--json', ...args], s.io);
  expect(s.stderr()).toBe('');
  expect(code).toBe(0);
  return JSON.parse(s.stdout()) as JsonOutput;
}

async function failure(args: string[]): Promise<{ code: number; stderr: string }> {
  const s = streams();
  const code = await runCli(['simulate', ...args], s.io);
  expect(s.stdout()).toBe('');
  return { code, stderr: s.stderr() };
}

describe('serviceflow simulate --config', () => {
  it('simulates the options of a JSON file', async () => {
    const config = file(
      'desk.json',
      JSON.stringify({
        inquiries: 80,
        days: 1,
        arrivals: { channels: { email: 1 } },
        policies: { sla: { targets: [{ firstResponse: '1s' }] } },
      }),
    );
    const { stats, metrics } = await simulateWith(['--config', config]);
    expect(stats.inquiries).toBe(80);
    expect(metrics.slaAttainment.firstResponse.met).toBe(0);
    expect(metrics.slaAttainment.firstResponse.breached).toBeGreaterThan(0);
  });

  it('loads ES modules (.mjs, and .js beside a package.json of type module) and CommonJS (.cjs)', async () => {
    const mjs = file('desk.mjs', 'export default { inquiries: 40, days: 1 };');
    expect((await simulateWith(['--config', mjs])).stats.inquiries).toBe(40);
    const cjs = file('desk.cjs', 'module.exports = { inquiries: 41, days: 1 };');
    expect((await simulateWith(['--config', cjs])).stats.inquiries).toBe(41);
    const esm = mkdtempSync(join(dir, 'esm-'));
    writeFileSync(join(esm, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(esm, 'desk.js'), 'const days = 1;\nexport default { inquiries: 42, days };');
    expect((await simulateWith(['--config', join(esm, 'desk.js')])).stats.inquiries).toBe(42);
  });

  it('loads TypeScript: your own policies, agents, arrivals and customers, typed by defineSimulation', async () => {
    const config = fileURLToPath(new URL('./fixtures/strict-desk.simulation.ts', import.meta.url));
    const { stats, metrics } = await simulateWith(['--config', config]);
    expect(stats.inquiries).toBe(150);
    expect(metrics.slaAttainment.firstResponse.met).toBe(0);
    const inline = file(
      'inline.ts',
      'type Options = { inquiries: number; days: number };\nconst options: Options = { inquiries: 33, days: 1 };\nexport default options satisfies Options;\n',
    );
    expect((await simulateWith(['--config', inline])).stats.inquiries).toBe(33);
  });

  it('lets flags given on the command line override the file, and only those', async () => {
    const config = file('override.json', JSON.stringify({ inquiries: 60, days: 1, seed: 9 }));
    const fromFile = await simulateWith(['--config', config]);
    expect(fromFile.stats.inquiries).toBe(60);
    expect((await simulateWith(['--config', config, '--inquiries', '25'])).stats.inquiries).toBe(25);
    // The file's seed, not the flag's default, decides the run.
    expect(await simulateWith(['--config', config, '--seed', '9'])).toEqual(fromFile);
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.json'), /nope\.json: no such config file/],
    [
      'a JSON syntax error',
      () => file('broken.json', '{ "inquiries": 10,, }'),
      /broken\.json: cannot be loaded: .*JSON/,
    ],
    [
      'a JavaScript syntax error',
      () => file('broken.mjs', 'export default { inquiries: };'),
      /broken\.mjs: cannot be loaded: /,
    ],
    [
      'a TypeScript syntax error',
      () => file('broken.ts', 'const x: = 1;\nexport default {};'),
      /broken\.ts: cannot be loaded: /,
    ],
    [
      'an exception while the file runs',
      () => file('throws.mjs', "throw new Error('no desk today');"),
      /throws\.mjs: cannot be loaded: no desk today/,
    ],
    [
      'no default export',
      () => file('empty.mjs', 'export const inquiries = 1;'),
      /empty\.mjs: exports nothing: export the options as the default export/,
    ],
    [
      'a TypeScript file without a default export',
      () => file('empty.ts', 'export const inquiries: number = 1;'),
      /empty\.ts: exports nothing/,
    ],
    [
      'an unknown option',
      () => file('typo.json', '{ "inquries": 10 }'),
      /typo\.json: Invalid simulation options: .*inquries/,
    ],
    [
      'an invalid option',
      () => file('zone.json', '{ "arrivals": { "timezone": "Mars/Olympus" } }'),
      /zone\.json: Invalid simulation options: arrivals\.timezone: must be an IANA time zone/,
    ],
    [
      'an unknown extension',
      () => file('desk.yaml', 'inquiries: 10'),
      /desk\.yaml: unknown kind of config file: expected \.json, \.js/,
    ],
  ])('refuses %s with INVALID_CONFIG, the path, one line on stderr and exit code 2', async (_, path, message) => {
    const { code, stderr } = await failure(['--config', path()]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^serviceflow: INVALID_CONFIG: /);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('throws INVALID_CONFIG from loadSimulationConfig, for a command to reuse', async () => {
    const error = await loadSimulationConfig(file('bad.json', '{ "days": -1 }')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceFlowError);
    expect(error).toMatchObject({ code: 'INVALID_CONFIG', path: ['days'] });
    await expect(loadSimulationConfig(file('good.json', '{ "days": 2 }'))).resolves.toEqual({ days: 2 });
  });
});

describe('defineSimulation', () => {
  it('returns the options it is given, typed as simulation options', () => {
    const options = { inquiries: 10, agents: [{ count: 2 }] } satisfies SimulationOptions;
    expect(defineSimulation(options)).toBe(options);
    expectTypeOf(defineSimulation).parameter(0).toEqualTypeOf<SimulationOptions>();
    // @ts-expect-error: an unknown option is a compile error
    defineSimulation({ inquries: 10 });
  });
});
