/**
 * The recipe of docs/process.md "Model-based tests with @xstate/graph", run as it is written there:
 * every shortest path of a process's machine becomes a test that replays it through process.send.
 */
import { getShortestPaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { createProcess, inquiryMachine, slaPolicy, type InquiryEventInit } from 'serviceflow';
import { checkInvariants } from 'serviceflow/testing';

const HOUR = 3_600_000;
const process = createProcess(inquiryMachine, {
  sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '1d' }] }),
});
const input = { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: Date.parse('2026-03-02T09:00:00Z') } as const;

type Snapshot = ReturnType<typeof process.machine.transition>;

// Each event comes 2 h after the last one (so SLA deadlines fall in between and fire first).
const events = (snapshot: Snapshot): InquiryEventInit[] => {
  const at = snapshot.context.lastEventAt + 2 * HOUR;
  return [
    { type: 'assign', agentId: 'ana', at },
    { type: 'agent.reply', at },
    { type: 'pend', reason: 'customer', at },
    { type: 'customer.reply', at },
    { type: 'resolve', at },
    { type: 'close', at },
    { type: 'cancel', at },
  ];
};

// What tells two states apart for this test: the state value and what guards read. Times, clocks
// and counters are left out: with them every state is new and the traversal never ends.
const serializeState = (snapshot: Snapshot): string => JSON.stringify([snapshot.value, snapshot.context.pendingReason]);

const paths = getShortestPaths(process.machine, { input, events: events as never, serializeState });

describe('model-based tests from @xstate/graph paths', () => {
  it('finds a path to every stage', () => {
    const stages = new Set(paths.map((path) => JSON.stringify(path.state.value)));
    expect(stages).toEqual(
      new Set([
        '"inquiry"',
        '{"resolution":"working"}',
        '{"resolution":"pending"}',
        '"followUp"',
        '"closed"',
        '"cancelled"',
      ]),
    );
  });

  it.each(paths.map((path) => [path.steps.map((step) => step.event.type).join(' → ') || '(start)', path] as const))(
    '%s',
    (_name, path) => {
      let step = process.start(input);
      for (const { event } of path.steps.slice(1)) step = process.send(step.state, event as InquiryEventInit);
      expect(step.state.value).toEqual(path.state.value);
      checkInvariants(step.state, { process });
    },
  );

  it('hits the traversal limit with the default serializer (why serializeState is needed)', () => {
    expect(() => getShortestPaths(process.machine, { input, events: events as never, limit: 300 })).toThrow(
      'Traversal limit exceeded',
    );
  });
});
