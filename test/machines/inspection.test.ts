/**
 * XState's inspection API sees serviceflow's actions by name: `createActor(machine, { inspect })`
 * reports each service action as an `@xstate.action` event whose `action.type` is the action's
 * name, followed by the effects it emits and the deadline it raises.
 */
import { describe, expect, it } from 'vitest';
import { createActor, type InspectionEvent } from 'xstate';
import { contactMachine, createProcess, inquiryMachine, resolvePolicies, serviceActions, slaPolicy } from 'serviceflow';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;
const input = { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: T0 } as const;

/** The executed actions an inspector sees, an emit as `emit:<effect type>`, a raise as `raise:<event type>`. */
function inspector(): { readonly seen: string[]; readonly inspect: (event: InspectionEvent) => void } {
  const seen: string[] = [];
  return {
    seen,
    inspect(event) {
      if (event.type !== '@xstate.action') return;
      const { type, params } = event.action;
      if (type === 'xstate.emit') seen.push(`emit:${(params as { event: { type: string } }).event.type}`);
      else if (type === 'xstate.raise') seen.push(`raise:${(params as { event: { type: string } }).event.type}`);
      else seen.push(type);
    },
  };
}

describe('XState inspection', () => {
  it('reports each service action of the inquiry machine by name, then its effects and raised deadlines', () => {
    const process = createProcess(inquiryMachine, { sla: slaPolicy({ targets: [{ firstResponse: '1h' }] }) });
    const { seen, inspect } = inspector();
    const actor = createActor(process.machine, { input, inspect }).start();
    expect(seen.splice(0)).toEqual(['receive', 'emit:sla.started', 'enterStage']);
    actor.send({ type: 'assign', agentId: 'ana', at: T0 + 60_000 });
    expect(seen.splice(0)).toEqual(['assign', 'enterStage', 'emit:stage.changed']);
    actor.send({ type: 'tick', at: T0 + 2 * HOUR });
    expect(seen.splice(0)).toEqual([
      'advanceTime',
      'raise:deadline',
      'fireDeadlines',
      'emit:sla.warning',
      'emit:sla.breached',
    ]);
    actor.send({ type: 'resolve', at: T0 + 3 * HOUR });
    expect(seen.splice(0)).toEqual(['resolve', 'emit:sla.met', 'enterStage', 'emit:stage.changed', 'openFollowUp']);
    actor.stop();
  });

  it('names the actions of the exported machine and of serviceActions bound to other policies alike', () => {
    const names = Object.keys(serviceActions(resolvePolicies({})));
    const { seen, inspect } = inspector();
    const actor = createActor(inquiryMachine, { input, inspect }).start();
    actor.send({ type: 'categorize', category: 'billing', at: T0 + 1 });
    actor.send({ type: 'escalate', reason: 'vip', at: T0 + 2 });
    actor.send({ type: 'cancel', at: T0 + 3 });
    const named = seen.filter((type) => !type.includes(':'));
    expect(named).toEqual(expect.arrayContaining(['receive', 'categorize', 'escalate', 'cancel', 'enterStage']));
    expect(named.every((type) => names.includes(type))).toBe(true);
  });

  it('reports the contact machine’s actions by name too', () => {
    const { seen, inspect } = inspector();
    const actor = createActor(contactMachine, {
      input: { id: 'K-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: T0 },
      inspect,
    }).start();
    actor.send({ type: 'routed', queue: 'billing', at: T0 + 1_000 });
    expect(seen).toEqual([
      'announceContact',
      'emit:contact.started',
      'enterContactStage',
      'routeContact',
      'emit:contact.queued',
    ]);
  });
});
