/** Applying an inquiry's log entries, without Redis: the pure part of a drain. */
import { describe, expect, it } from 'vitest';
import { applyEntries } from '../../../../src/adapters/bullmq/apply-entries.js';
import { drainDeduplicationId, jobIdPart, wakeJobId } from '../../../../src/adapters/bullmq/keys.js';
import { slaPolicy } from 'serviceflow';
import { HOUR, MINUTE, T0, makeInput, makeProcess } from '../../../support/fixtures.js';

const process = makeProcess({ sla: slaPolicy({ targets: [{ firstResponse: '1h' }], warnAt: [] }) });
const log = (...entries: unknown[]): Map<number, string> =>
  new Map(entries.map((entry, i) => [i + 1, typeof entry === 'string' ? entry : JSON.stringify(entry)]));
const open = { kind: 'open', input: makeInput() };
const event = (body: Record<string, unknown>) => ({ kind: 'event', event: body });
const contextOf = (state: { context: unknown } | undefined) =>
  state?.context as { lastEventAt: number; escalation: { level: number } } | undefined;

describe('applyEntries', () => {
  it('applies the entries in sequence order, as the pure process would', () => {
    const entries = log(
      open,
      event({ type: 'assign', agentId: 'ana', at: T0 + MINUTE }),
      event({ type: 'agent.reply', at: T0 + 2 * MINUTE }),
    );
    const result = applyEntries(process, 'T-1', undefined, null, entries, 1);
    let expected = process.start(makeInput());
    const effects = [...expected.effects];
    for (const body of [
      { type: 'assign', agentId: 'ana', at: T0 + MINUTE },
      { type: 'agent.reply', at: T0 + 2 * MINUTE },
    ] as const) {
      expected = process.send(expected.state, body);
      effects.push(...expected.effects);
    }
    expect(result).toMatchObject({ created: true, changed: true, last: 3, rejected: [], wakeAt: expected.wakeAt });
    expect(result.state).toEqual(expected.state);
    expect(result.effects).toEqual(effects);
  });

  it('starts after the applied entries and stops at the first missing one', () => {
    const entries = log(open, event({ type: 'acknowledge', at: T0 + 1 }), event({ type: 'close', at: T0 + 2 }));
    entries.delete(3);
    const base = process.start(makeInput());
    const result = applyEntries(process, 'T-1', base.state, base.wakeAt, entries, 2);
    expect(result.last).toBe(2);
    expect((result.state?.context as { acknowledgedAt?: number } | undefined)?.acknowledgedAt).toBe(T0 + 1);
  });

  it('refuses an entry that makes the process throw an untyped error (PROCESS_FAILED), and applies the rest', () => {
    const buggy = {
      ...process,
      send: (state: never, body: never) =>
        (body as { agentId?: string }).agentId === 'bug'
          ? (undefined as unknown as { x: number }).x
          : process.send(state, body),
    } as typeof process;
    const entries = log(
      open,
      event({ type: 'agent.reply', agentId: 'bug', at: T0 + 1 }),
      event({ type: 'agent.reply', agentId: 'ana', at: T0 + 2 }),
    );
    const result = applyEntries(buggy, 'T-1', undefined, null, entries, 1);
    expect(result.last).toBe(3);
    expect(result.rejected).toEqual([
      {
        sequence: 2,
        payload: event({ type: 'agent.reply', agentId: 'bug', at: T0 + 1 }),
        code: 'PROCESS_FAILED',
        message: expect.stringMatching(/^The process threw TypeError: /),
      },
    ]);
    expect(contextOf(result.state)?.lastEventAt).toBe(T0 + 2);
  });

  it('passes over entries recorded as dead letters already, without refusing them again', () => {
    const entries = log(open, event({ type: 'escalate', at: T0 + 1 }), event({ type: 'agent.reply', at: T0 + 2 }));
    const result = applyEntries(process, 'T-1', undefined, null, entries, 1, new Set([2]));
    expect(result).toMatchObject({ last: 3, rejected: [] });
    expect(contextOf(result.state)?.escalation.level).toBe(0);
    expect(contextOf(result.state)?.lastEventAt).toBe(T0 + 2);
  });

  it('refuses what cannot be applied, with a reason, and applies the rest', () => {
    const entries = log(
      event({ type: 'agent.reply', at: T0 }),
      { kind: 'open', input: makeInput({ id: 'someone-else' }) },
      open,
      '{not json',
      { kind: 'teleport' },
      open,
      event({ type: 'cancel', at: T0 + 1 }),
      event({ type: 'agent.reply', at: T0 + 2 }),
      event({ type: 'explode', at: T0 + 3 }),
    );
    const result = applyEntries(process, 'T-1', undefined, null, entries, 1);
    expect(result.rejected.map(({ sequence, code }) => [sequence, code])).toEqual([
      [1, 'INVALID_INPUT'],
      [2, 'INVALID_INPUT'],
      [4, 'MALFORMED_PAYLOAD'],
      [5, 'MALFORMED_PAYLOAD'],
      [6, 'CONFLICT'],
      [8, 'EVENT_NOT_ALLOWED'],
      [9, 'INVALID_EVENT'],
    ]);
    expect(result.rejected[0]?.message).toMatch(/before any open entry/);
    expect(result.rejected[2]?.payload).toBe('{not json');
    expect(process.view(process.restore(result.state)).stage).toBe('cancelled'); // created by entry 3
  });

  it('applies a tick that is due at its own instant, and skips a stale one', () => {
    const base = process.start(makeInput());
    const due = applyEntries(process, 'T-1', base.state, base.wakeAt, log({ kind: 'tick', at: T0 + HOUR }), 1);
    expect(due.effects).toMatchObject([{ type: 'sla.breached', at: T0 + HOUR }]);
    const early = applyEntries(process, 'T-1', base.state, base.wakeAt, log({ kind: 'tick', at: T0 + HOUR - 1 }), 1);
    expect(early).toMatchObject({ changed: false, last: 1, rejected: [], effects: [] });
    const replied = process.send(base.state, { type: 'agent.reply', at: T0 + MINUTE });
    expect(
      applyEntries(process, 'T-1', replied.state, replied.wakeAt, log({ kind: 'tick', at: T0 + HOUR }), 1).changed,
    ).toBe(false);
  });
});

describe('job ids', () => {
  it('escape : and % so that every inquiry id maps to its own job id', () => {
    expect(jobIdPart('a:b%c')).toBe('a%3Ab%25c');
    expect(jobIdPart('a%3Ab')).not.toBe(jobIdPart('a:b'));
    expect(wakeJobId('T:1', 1_000)).toBe('wake-T%3A1-1000');
    expect(drainDeduplicationId('T:1')).toBe('drain-T%3A1');
  });
});
