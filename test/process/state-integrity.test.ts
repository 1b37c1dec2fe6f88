import assert from 'node:assert/strict';
import { describe, expect, it } from 'vitest';
import { incidentProcess } from '../../examples/incident-process.js';
import {
  contactMachine,
  createProcess,
  createServiceDesk,
  escalationPolicy,
  inquiryMachine,
  memoryStore,
  ServiceFlowError,
  slaPolicy,
  type PersistedState,
  type SnapshotStore,
} from 'serviceflow';
import { HOUR, makeInput, MINUTE, T0 } from '../support/fixtures.js';

const process = createProcess(inquiryMachine, {
  sla: slaPolicy({ targets: [{ firstResponse: '1h', nextResponse: '2h', resolution: '8h' }] }),
  escalation: escalationPolicy({
    levels: [{ name: 'agent' }, { name: 'specialist' }],
    rules: [{ on: 'sla.breached', escalateTo: '+1' }],
  }),
});

/** What a store that writes `undefined` as `null` (the MongoDB driver's default) gives back. */
const throughNullingStore = <T>(value: T): T =>
  JSON.parse(JSON.stringify(value, (_key, member: unknown) => (member === undefined ? null : member))) as T;

/** A state somewhere in the middle of a lifecycle: assigned, answered, waiting on the customer. */
function midLifecycle() {
  let step = process.start(makeInput());
  step = process.send(step.state, { type: 'assign', agentId: 'ana', at: T0 + 5 * MINUTE });
  step = process.send(step.state, { type: 'agent.reply', at: T0 + 20 * MINUTE });
  step = process.send(step.state, { type: 'customer.reply', at: T0 + HOUR });
  return step;
}

/** The code and message of what `run` throws. */
function failure(run: () => unknown): { code: string; message: string; path: readonly (string | number)[] } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceFlowError);
    const { code, message, path } = error as ServiceFlowError;
    return { code, message, path };
  }
  throw new Error('expected a ServiceFlowError');
}

/** A deep copy of a state, changed by `change` (a stored row tampered with). */
function tampered(
  state: PersistedState,
  change: (copy: { value: unknown; context: Record<string, any> }) => void,
): PersistedState {
  const copy = structuredClone(state) as unknown as { value: unknown; context: Record<string, any> };
  change(copy);
  return copy as unknown as PersistedState;
}

describe('states are exactly their JSON', () => {
  it('is deep-strictly equal to its JSON round trip, with no undefined member anywhere', () => {
    // regression (issue 12): contexts and clocks held undefined members
    const { state } = midLifecycle();
    assert.deepStrictEqual(JSON.parse(JSON.stringify(state)), state);
    expect(
      JSON.stringify(state, (_key, member: unknown) => (member === undefined ? '<undefined>' : member)),
    ).not.toContain('<undefined>');
  });

  it('restores what a store that writes undefined as null gives back, as the same state', () => {
    // regression (issue 12): the nulls came back and restore refused them with INCOMPATIBLE_STATE
    const { state } = midLifecycle();
    const stored = throughNullingStore(state);
    assert.deepStrictEqual(stored, state);
    assert.deepStrictEqual(process.restore(stored), state);
    expect(
      process.send(stored, { type: 'agent.reply', at: T0 + 2 * HOUR }).state.context.sla.clocks.nextResponse?.status,
    ).toBe('met');
  });

  it('runs a desk on a store that writes undefined as null', async () => {
    const inner = memoryStore<PersistedState>();
    const nulling: SnapshotStore<PersistedState> = {
      ...inner,
      create: (write) => inner.create({ ...write, state: throughNullingStore(write.state) }),
      save: (write) => inner.save({ ...write, state: throughNullingStore(write.state) }),
    };
    const desk = createServiceDesk({ process, store: nulling as never });
    await desk.open(makeInput());
    await desk.send('T-1', { type: 'assign', agentId: 'ana', at: T0 + 5 * MINUTE });
    // A second desk on the same store loads every state from it.
    const other = createServiceDesk({ process, store: nulling as never });
    await other.send('T-1', { type: 'agent.reply', at: T0 + 20 * MINUTE });
    await other.send('T-1', { type: 'resolve', at: T0 + 30 * MINUTE });
    expect((await other.get('T-1'))?.view.stage).toBe('followUp');
  });
});

describe('restore checks what it restores', () => {
  const resolved = () => process.send(midLifecycle().state, { type: 'resolve', at: T0 + 2 * HOUR }).state;

  it.each([
    ['a number', 42],
    ['an array', []],
    ['an empty object', {}],
    ['an unknown stage', 'archived'],
    ['a stage with sub-states named without one', 'resolution'],
    ['an unknown sub-state', { resolution: 'sleeping' }],
    ['a sub-state of a stage that has none', { inquiry: 'working' }],
    ['two stages at once', { resolution: 'working', followUp: 'x' }],
    ['null', null],
  ])(
    'refuses a stored value that is %s with INCOMPATIBLE_STATE, never restoring it as the initial stage',
    (_name, value) => {
      // regression (issue 12): 42, [] and {} were restored as 'inquiry', a resolved inquiry back at the start
      const stored = tampered(resolved(), (copy) => {
        copy.value = value;
      });
      const error = failure(() => process.restore(stored));
      expect(error.code).toBe('INCOMPATIBLE_STATE');
      expect(error.path[0]).toBe('value');
      expect(error.message).toContain("is not a state of machine 'inquiry'");
      expect(failure(() => process.send(stored, { type: 'tick', at: T0 + 3 * HOUR })).code).toBe('INCOMPATIBLE_STATE');
    },
  );

  it('names what is wrong with a value and what was expected', () => {
    const error = failure(() => process.restore(tampered(resolved(), (copy) => void (copy.value = 'archived'))));
    expect(error.message).toMatch(/'archived' is not a state at the top level/);
    const inner = failure(() =>
      process.restore(tampered(resolved(), (copy) => void (copy.value = { resolution: 'sleeping' }))),
    );
    expect(inner.path).toEqual(['value', 'resolution']);
    expect(inner.message).toMatch(/'sleeping' is not a state inside 'resolution'/);
  });

  it('refuses an escalation level beyond the policy’s levels', () => {
    // regression (issue 12): escalation.level 99 was accepted
    const error = failure(() =>
      process.restore(tampered(midLifecycle().state, (copy) => void (copy.context.escalation.level = 99))),
    );
    expect(error).toMatchObject({ code: 'INCOMPATIBLE_STATE', path: ['context', 'escalation', 'level'] });
    expect(error.message).toContain(
      "escalation level 99 is beyond the escalation policy's 2 level(s) (agent, specialist)",
    );
  });

  it('refuses a running clock without a start or a due time', () => {
    // regression (issue 12): a running clock without a start was accepted
    const noStart = failure(() =>
      process.restore(tampered(midLifecycle().state, (copy) => void (copy.context.sla.clocks.resolution.since = null))),
    );
    expect(noStart).toMatchObject({
      code: 'INCOMPATIBLE_STATE',
      path: ['context', 'sla', 'clocks', 'resolution', 'since'],
    });
    expect(noStart.message).toContain('the running resolution clock has no start');
    const noDue = failure(() =>
      process.restore(tampered(midLifecycle().state, (copy) => void (copy.context.sla.clocks.resolution.dueAt = null))),
    );
    expect(noDue).toMatchObject({
      code: 'INCOMPATIBLE_STATE',
      path: ['context', 'sla', 'clocks', 'resolution', 'dueAt'],
    });
  });

  it('refuses a pending warning on a clock that is not running (a wake-up no tick would ever move)', () => {
    const stored = tampered(midLifecycle().state, (copy) => {
      const clock = copy.context.sla.clocks.resolution;
      Object.assign(clock, { status: 'paused', since: null, dueAt: null, warnAt: T0 });
    });
    expect(failure(() => process.restore(stored))).toMatchObject({
      code: 'INCOMPATIBLE_STATE',
      path: ['context', 'sla', 'clocks', 'resolution', 'warnAt'],
    });
  });

  it('refuses the follow-up stage without a follow-up, and a follow-up outside it', () => {
    // regression (issue 12): stage followUp with followUp: null was accepted
    const missing = failure(() => process.restore(tampered(resolved(), (copy) => void (copy.context.followUp = null))));
    expect(missing).toMatchObject({ code: 'INCOMPATIBLE_STATE', path: ['context', 'followUp'] });
    expect(missing.message).toContain('follow-up stage');
    const stray = failure(() =>
      process.restore(
        tampered(
          midLifecycle().state,
          (copy) => void (copy.context.followUp = { resolvedAt: T0, reopenUntil: T0 + HOUR, closeAt: T0 + HOUR }),
        ),
      ),
    );
    expect(stray).toMatchObject({ code: 'INCOMPATIBLE_STATE', path: ['context', 'followUp'] });
  });

  it('refuses instants after 9999-12-31', () => {
    const error = failure(() =>
      process.restore(tampered(midLifecycle().state, (copy) => void (copy.context.lastEventAt = 253_402_300_800_000))),
    );
    expect(error).toMatchObject({ code: 'INCOMPATIBLE_STATE', path: ['context', 'lastEventAt'] });
  });

  it('checks the values of the contact machine and of custom machines too', () => {
    const contacts = createProcess(contactMachine);
    const contact = contacts.start({
      id: 'K-1',
      channel: 'phone',
      direction: 'inbound',
      customer: { id: 'C-1' },
      at: T0,
    }).state;
    expect(failure(() => contacts.restore(tampered(contact as never, (copy) => void (copy.value = 42)))).code).toBe(
      'INCOMPATIBLE_STATE',
    );
    expect(
      failure(() => contacts.restore(tampered(contact as never, (copy) => void (copy.value = 'nowhere')))).code,
    ).toBe('INCOMPATIBLE_STATE');
    const incident = incidentProcess.start({ id: 'INC-1', channel: 'phone', customer: { id: 'ACME' }, at: T0 }).state;
    expect(
      failure(() => incidentProcess.restore(tampered(incident as never, (copy) => void (copy.value = 'resolution'))))
        .code,
    ).toBe('INCOMPATIBLE_STATE');
    expect(
      failure(() =>
        incidentProcess.restore(tampered(incident as never, (copy) => void (copy.context.escalation.level = 7))),
      ).code,
    ).toBe('INCOMPATIBLE_STATE');
  });

  it('keeps nothing of the object it restored from: changing it afterwards changes nothing', () => {
    const stored = structuredClone(midLifecycle().state) as unknown as { context: Record<string, any> };
    const restored = process.restore(stored as never);
    stored.context.sla.clocks.resolution.dueAt = null;
    stored.context.lastEventAt = 'x';
    expect(process.send(restored, { type: 'tick', at: T0 + 2 * HOUR }).state.context.lastEventAt).toBe(T0 + 2 * HOUR);
  });

  it('refuses a migration that throws or returns no state, with INCOMPATIBLE_STATE', () => {
    const old = { ...structuredClone(midLifecycle().state), machine: { id: 'inquiry', version: '0' } };
    const throwing = createProcess(inquiryMachine, {
      migrations: {
        '0': () => {
          throw new Error('column missing');
        },
      },
    });
    expect(failure(() => throwing.restore(old))).toMatchObject({ code: 'INCOMPATIBLE_STATE' });
    const empty = createProcess(inquiryMachine, { migrations: { '0': () => undefined as never } });
    expect(failure(() => empty.restore(old)).message).toContain('returned undefined, not a persisted state');
  });
});

describe('a returned state cannot be changed in place', () => {
  it('is frozen all the way down, so an assignment throws and the state stays as it was', () => {
    // regression (issue 12): `state.context.lastEventAt = 'x'` was accepted on the next send
    const { state } = midLifecycle();
    const before = JSON.stringify(state);
    const context = state.context as unknown as Record<string, any>;
    expect(() => (context.lastEventAt = 'x')).toThrow(TypeError);
    expect(() => (context.sla = null)).toThrow(TypeError);
    expect(() => (context.sla.clocks.resolution.dueAt = 0)).toThrow(TypeError);
    expect(() => (context.escalation.level = 99)).toThrow(TypeError);
    expect(() => context.contacts.push({})).toThrow(TypeError);
    expect(() => ((state.value as Record<string, string>).resolution = 'pending')).toThrow(TypeError);
    expect(JSON.stringify(state)).toBe(before);
    expect(process.send(state, { type: 'agent.reply', at: T0 + 2 * HOUR }).state.context.lastEventAt).toBe(
      T0 + 2 * HOUR,
    );
  });

  it('answers a changed copy of a state with a typed error, never a TypeError', () => {
    // regression (issue 12): `sla = null` gave an untyped TypeError on send
    const { state } = midLifecycle();
    const noSla = tampered(state, (copy) => void (copy.context.sla = null));
    expect(failure(() => process.send(noSla, { type: 'tick', at: T0 + 2 * HOUR })).code).toBe('INCOMPATIBLE_STATE');
    expect(failure(() => process.view(noSla)).code).toBe('INCOMPATIBLE_STATE');
    const badInstant = tampered(state, (copy) => void (copy.context.lastEventAt = 'x'));
    expect(failure(() => process.send(badInstant, { type: 'tick', at: T0 + 2 * HOUR })).code).toBe(
      'INCOMPATIBLE_STATE',
    );
    expect(process.can(badInstant, { type: 'tick', at: T0 + 2 * HOUR })).toBe(false);
  });
});
