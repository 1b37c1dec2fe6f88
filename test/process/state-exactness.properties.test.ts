import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  inquiryMachine,
  ServiceFlowError,
  slaPolicy,
  type InquiryEventInit,
  type PersistedState,
} from 'serviceflow';
import { lifecycle } from 'serviceflow/testing/arbitraries';

// The states a process hands out, after any sequence of events: exactly their JSON, and nothing in
// them can be changed behind the engine's back (an assignment throws, or the changed state is refused).

const processes = {
  defaults: createProcess(inquiryMachine),
  policies: createProcess(inquiryMachine, {
    sla: slaPolicy({
      targets: [{ firstResponse: '2h', nextResponse: '4h', resolution: '2d' }],
      warnAt: [0.5, 0.8],
    }),
    escalation: escalationPolicy({
      levels: [{ name: 'agent' }, { name: 'specialist' }, { name: 'manager' }],
      rules: [
        { on: 'sla.breached', escalateTo: '+1' },
        { on: 'reopened', escalateTo: '+1' },
      ],
    }),
    feedback: feedbackPolicy({ survey: 'nps', sendAfter: '2h', reminders: { count: 2, every: '1d' } }),
  }),
};

type Process = (typeof processes)['defaults'];
type State = PersistedState<ReturnType<Process['start']>['state']['context']>;

/** The states handed out along a lifecycle: its start, then every accepted event. */
function handedOut(process: Process, input: unknown, events: readonly unknown[]): State[] {
  let step = process.start(input as Parameters<Process['start']>[0]);
  const states = [step.state];
  for (const event of events) {
    try {
      step = process.send(step.state, event as InquiryEventInit);
      states.push(step.state);
    } catch (error) {
      if (!(error instanceof ServiceFlowError)) throw error;
    }
  }
  return states;
}

/** Every object reachable from `value` (itself included), depth first. */
function reachable(value: unknown, into: object[] = []): object[] {
  if (typeof value !== 'object' || value === null) return into;
  into.push(value);
  for (const member of Object.values(value)) reachable(member, into);
  return into;
}

const mutation = fc.constantFrom('set', 'delete', 'add', 'setNull');

/** Changes `target` in place the way `kind` says; throws what the assignment throws. */
function mutate(target: object, kind: string, pick: number): void {
  const record = target as Record<string, unknown>;
  const keys = Object.keys(record);
  const key = keys.length === 0 ? 'extra' : keys[pick % keys.length]!;
  switch (kind) {
    case 'set':
      record[key] = typeof record[key] === 'number' ? (record[key] as number) + 1 : 99;
      return;
    case 'setNull':
      record[key] = null;
      return;
    case 'delete':
      if (!delete record[key]) throw new TypeError(`${key} cannot be deleted`);
      return;
    default:
      if (Array.isArray(target)) (target as unknown[]).push({});
      else record['extra'] = 1;
  }
}

describe.each(Object.entries(processes))('handed-out states (%s)', (_name, process) => {
  it('are deep-strict equal to their JSON round trip after any sequence of events', () => {
    fc.assert(
      fc.property(lifecycle({ maxLength: 25 }), ({ input, events }) => {
        for (const state of handedOut(process, input, events)) {
          assert.deepStrictEqual(JSON.parse(JSON.stringify(state)), state);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('cannot be changed in place: an assignment to any reachable member throws, or the next use refuses the state', () => {
    fc.assert(
      fc.property(
        lifecycle({ maxLength: 25 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        mutation,
        ({ input, events }, whichState, whichObject, whichKey, kind) => {
          const states = handedOut(process, input, events);
          const state = states[whichState % states.length]!;
          const objects = reachable(state);
          const target = objects[whichObject % objects.length]!;
          const json = JSON.stringify(state);
          const tick = { type: 'tick' as const, at: state.context.lastEventAt + 60_000 };
          let changed = false;
          try {
            mutate(target, kind, whichKey);
            changed = JSON.stringify(state) !== json;
          } catch (error) {
            expect(error).toBeInstanceOf(TypeError);
          }
          if (!changed) {
            // Impossible: the state is as it was, and the process takes it as before.
            expect(JSON.stringify(state)).toBe(json);
            assert.deepStrictEqual(process.restore(state), state);
            return;
          }
          // Possible: then no use of the changed state trusts it.
          for (const use of [() => process.send(state, tick), () => process.view(state), () => process.wakeAt(state)]) {
            expect(use).toThrow(expect.objectContaining({ code: 'INCOMPATIBLE_STATE' }));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
