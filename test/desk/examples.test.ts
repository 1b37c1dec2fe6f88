import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runDeskExample } from '../../examples/desk.js';
import { runScalingExample } from '../../examples/scaling.js';
import { redisAvailability, startRedisServer } from '../support/redis-server.js';

const region = (file: string, name: string): string | undefined =>
  new RegExp(`// #region ${name}\\n([\\s\\S]*?)// #endregion ${name}`).exec(
    readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8'),
  )?.[1];
const dedent = (code: string): string => {
  const indent = Math.min(
    ...code
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => /^ */.exec(line)![0].length),
  ); // every line matches
  return code
    .split('\n')
    .map((line) => line.slice(indent))
    .join('\n');
};

describe('examples/desk.ts', () => {
  it('fires the deadlines nobody sent an event for, on the virtual clock, once each', async () => {
    const lines = await runDeskExample(() => {});
    expect(lines).toEqual([
      '09:30  T-2: first response met (version 2)',
      '10:00  T-1: firstResponse breached (due 10:00)',
      '10:00  T-1: escalated to specialist',
      '17:00  T-2: resolution breached (due 17:00)',
      '17:00  T-1: resolution breached (due 17:00)',
      '17:00  T-2: escalated to specialist',
      'T-1 is at version 3, escalation level specialist',
    ]);
  });

  it('is the code docs/desk.md shows', () => {
    const code = region('desk.ts', 'desk');
    expect(code).toBeDefined();
    expect(readFileSync(new URL('../../docs/desk.md', import.meta.url), 'utf8')).toContain(dedent(code ?? ''));
  });
});

// Without Redis this test is skipped silently: test/adapters/bullmq/createBullmqDesk.test.ts prints the one line for every Redis suite.
const redis = redisAvailability();

describe('examples/scaling.ts', () => {
  it.skipIf(redis.kind === 'none')(
    'applies every inquiry’s events in order across two workers',
    async () => {
      const server = await startRedisServer(redis);
      try {
        const lines = await runScalingExample({ redisUrl: `redis://${server.host}:${server.port}`, print: () => {} });
        for (let i = 1; i <= 6; i++) expect(lines).toContain(`T-${i}: resolution, first response met, log position 3`);
        expect(lines?.filter((line) => / first response met$/.test(line))).toHaveLength(6);
      } finally {
        await server.stop();
      }
    },
    60_000,
  );

  it('says Redis is not reachable and does nothing when there is none', async () => {
    const lines = await runScalingExample({ redisUrl: 'redis://127.0.0.1:1', print: () => {} });
    expect(lines).toBeNull();
  });

  it('is the code docs/scaling.md shows', () => {
    const code = region('scaling.ts', 'scaling');
    expect(code).toBeDefined();
    expect(readFileSync(new URL('../../docs/scaling.md', import.meta.url), 'utf8')).toContain(dedent(code ?? ''));
  });
});
