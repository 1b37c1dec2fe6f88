import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { returnsMachine, returnsProcess, runReturn } from '../../examples/returns-process.js';
import { createProcess, followUpState, serviceSetup } from 'serviceflow';
import { thrown } from '../support/errors.js';

const minimal = serviceSetup({ events: { approve: { approver: z.string() } } });
const stage = (name: string) => ({ type: 'enterStage', params: { stage: name } }) as const;

describe('custom service machines', () => {
  it('run a whole returns process with SLA clocks, a pause in transit and an automatic close', () => {
    const lines: string[] = [];
    const view = runReturn((line) => lines.push(line));
    expect(view.stage).toBe('closed');
    expect(view.sla.resolution).toMatchObject({ status: 'met' });
    // Monday 09:00–11:05 and Friday 10:00–15:00 count; the parcel's trip (Monday 11:05 to Friday 10:00) does not
    expect(view.sla.resolution?.elapsedMs).toBe((7 * 60 + 5) * 60_000);
    expect(lines[1]).toContain('sla.paused');
    expect(lines[2]).toContain('sla.resumed');
  });

  it('time the refund from the item’s arrival with a clock on the process’s own events', () => {
    const view = runReturn(() => {});
    // Item received Friday 10:00, refunded Friday 15:00: 5 of 20 warehouse hours.
    expect(view.sla.refundTime).toMatchObject({ status: 'met', elapsedMs: 5 * 3_600_000, targetMs: 20 * 3_600_000 });
    const failed = createProcess(returnsMachine, returnsProcess.policies);
    let step = failed.start({ id: 'RMA-2', channel: 'web', customer: { id: 'C-1' }, at: '2026-04-06T09:00:00+02:00' });
    for (const event of [
      { type: 'approve', approver: 'lena', at: '2026-04-06T10:00:00+02:00' },
      { type: 'label.sent', carrier: 'DHL', trackingId: 'JD1', at: '2026-04-06T10:05:00+02:00' },
      { type: 'item.received', at: '2026-04-08T10:00:00+02:00' },
      { type: 'inspection.failed', reason: 'worn', at: '2026-04-08T12:00:00+02:00' },
    ] as const)
      step = failed.send(step.state, event);
    expect(failed.view(step.state).sla.refundTime).toMatchObject({ status: 'cancelled', elapsedMs: 2 * 3_600_000 });
  });

  it('keep their own context fields through the JSON round-trip', () => {
    let step = returnsProcess.start({ id: 'RMA-1', channel: 'web', customer: { id: 'C-1' }, at: 0 });
    step = returnsProcess.send(step.state, { type: 'approve', approver: 'lena', at: 1_000 });
    step = returnsProcess.send(JSON.parse(JSON.stringify(step.state)), {
      type: 'label.sent',
      carrier: 'UPS',
      trackingId: '1Z',
      at: 2_000,
    });
    expect(step.state.context).toMatchObject({ approvedBy: 'lena', trackingId: '1Z', refundAmount: null });
  });

  it('validate their own events like the standard ones', () => {
    const step = returnsProcess.start({ id: 'RMA-1', channel: 'web', customer: { id: 'C-1' }, at: 0 });
    const error = thrown(() => returnsProcess.send(step.state, { type: 'approve', at: 5 } as never));
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.path).toEqual(['approver']);
    expect(thrown(() => returnsProcess.send(step.state, { type: 'refund', amount: 10, at: 5 })).code).toBe(
      'EVENT_NOT_ALLOWED',
    );
  });

  it('give the same results on the fast path and through XState', () => {
    const slow = createProcess(returnsMachine, { ...returnsProcess.policies, fastPath: false });
    const run = (process: typeof returnsProcess) => {
      let step = process.start({
        id: 'RMA-2',
        channel: 'email',
        customer: { id: 'C-2', tier: 'vip' },
        at: Date.parse('2026-04-06T07:00:00Z'),
      });
      const out = [JSON.stringify(step)];
      for (const event of [
        { type: 'approve', approver: 'kai', at: Date.parse('2026-04-06T13:00:00Z') },
        { type: 'label.sent', carrier: 'DHL', trackingId: 'X', at: Date.parse('2026-04-06T13:10:00Z') },
        { type: 'item.received', at: Date.parse('2026-04-09T08:00:00Z') },
        { type: 'inspection.failed', reason: 'worn', at: Date.parse('2026-04-13T08:00:00Z') },
        { type: 'customer.reply', at: Date.parse('2026-04-14T08:00:00Z') },
        { type: 'tick', at: Date.parse('2026-05-14T08:00:00Z') },
      ] as const) {
        step = process.send(step.state, event);
        out.push(JSON.stringify(step));
      }
      return out;
    };
    expect(run(returnsProcess)).toEqual(run(slow));
  });

  it('refuse a custom event named like a standard one', () => {
    const error = thrown(() => serviceSetup({ events: { resolve: {} } }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.path).toEqual(['events', 'resolve']);
  });

  it('are checked against the contract when a process is created', () => {
    const noReceive = minimal.createMachine({
      id: 'broken',
      version: '1',
      context: minimal.context,
      on: minimal.on,
      initial: 'open',
      states: { open: { on: { approve: 'done' } }, done: { type: 'final' } },
    });
    expect(thrown(() => createProcess(noReceive)).message).toContain("root entry must run 'receive'");

    const noTicks = minimal.createMachine({
      id: 'broken',
      version: '1',
      context: minimal.context,
      entry: 'receive',
      initial: 'open',
      states: { open: { entry: stage('open'), on: { approve: 'done' } }, done: { type: 'final' } },
    });
    const error = thrown(() => createProcess(noTicks));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.path).toEqual(['states', 'open']);
    expect(error.message).toContain("does not handle 'tick'");

    const endless = minimal.createMachine({
      id: 'broken',
      version: '1',
      context: minimal.context,
      entry: 'receive',
      on: minimal.on,
      initial: 'open',
      states: { open: {} },
    });
    expect(thrown(() => createProcess(endless)).message).toContain('no final state');
  });

  it('refuse a machine without schemas', () => {
    const bare = createMachine({ id: 'bare', initial: 'a', states: { a: {} } });
    const error = thrown(() => createProcess(bare));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain('declares no zod schemas');
  });

  it('reuse the follow-up stage with its reopen window and automatic close', () => {
    const machine = minimal.createMachine({
      id: 'tiny',
      version: '1',
      context: minimal.context,
      entry: 'receive',
      on: minimal.on,
      initial: 'open',
      states: {
        open: { entry: stage('open'), on: { approve: { target: 'followUp', actions: 'resolve' } } },
        followUp: followUpState({ stage: 'followUp', reopenTo: 'open', closeTo: 'closed' }),
        closed: { type: 'final', entry: stage('closed') },
      },
    });
    const process = createProcess(machine);
    let step = process.start({ id: 'X-1', channel: 'chat', customer: { id: 'C' }, at: 0 });
    step = process.send(step.state, { type: 'approve', approver: 'a', at: 10 });
    expect(process.view(step.state).stage).toBe('followUp');
    expect(process.send(step.state, { type: 'reopen', at: 20 }).state.value).toBe('open');
    step = process.send(step.state, { type: 'tick', at: 8 * 86_400_000 });
    expect(process.view(step.state)).toMatchObject({ stage: 'closed', closeReason: 'auto' });
  });
});
