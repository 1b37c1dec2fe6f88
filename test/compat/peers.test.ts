// The peer-dependency compatibility suite: what a project on the lowest xstate and zod that
// package.json admits relies on. CI runs it (and the type check) with those versions installed,
// and with the latest as part of `npm test`. Keep it quick: it is the whole of that CI job.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import * as z from 'zod';
import {
  contactMachine,
  createProcess,
  createServiceDesk,
  inquiryMachine,
  memoryStore,
  ServiceFlowError,
  serviceSetup,
  slaPolicy,
} from 'serviceflow';
import { applyEvents, checkInvariants, scenario, simulate } from 'serviceflow/testing';
import { returnsProcess } from '../../examples/returns-process.js';

const require = createRequire(import.meta.url);
const installed = (name: string): string => (require(`${name}/package.json`) as { version: string }).version;
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  peerDependencies: Record<string, string>;
};

/** The lowest version a `^x.y.z` range admits. */
const lowest = (range: string | undefined): string => /^\^(\d+\.\d+\.\d+)$/.exec(range ?? '')?.[1] ?? 'none';
const order = (version: string): number[] => version.split('.').map(Number);
const atLeast = (version: string, floor: string): boolean => {
  const [a, b] = [order(version), order(floor)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

const at = Date.UTC(2026, 2, 2, 9);
const input = { id: 'T-1', channel: 'email' as const, customer: { id: 'C-1' }, at };

describe(`peer dependencies (xstate ${installed('xstate')}, zod ${installed('zod')})`, () => {
  it('runs with versions that the declared peer ranges admit', () => {
    for (const name of ['xstate', 'zod']) {
      const range = manifest.peerDependencies[name];
      expect(range, `${name} is a peer dependency with a ^ range`).toMatch(/^\^\d+\.\d+\.\d+$/);
      expect(atLeast(installed(name), lowest(range)), `${name} ${installed(name)} satisfies ${range}`).toBe(true);
    }
  });

  it('steps the inquiry process through a lifecycle with its SLA clocks', () => {
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '1d' }] }),
    });
    let step = process.start(input);
    step = process.send(step.state, { type: 'tick', at: at + 2 * 3_600_000 });
    expect(step.effects.map((effect) => effect.type)).toContain('sla.breached');
    step = process.send(step.state, { type: 'agent.reply', at: at + 3 * 3_600_000 });
    step = process.send(step.state, { type: 'resolve', at: at + 4 * 3_600_000 });
    const view = process.view(step.state);
    expect(view.stage).toBe('followUp');
    expect(view.sla.firstResponse).toMatchObject({ status: 'breached', metAt: at + 3 * 3_600_000 });
    expect(view.sla.resolution).toMatchObject({ status: 'met' });
    expect(JSON.parse(JSON.stringify(step.state))).toEqual(step.state);
  });

  it('validates events with zod and refuses bad ones with typed errors', () => {
    const process = createProcess(inquiryMachine);
    const { state } = process.start(input);
    expect(() => process.send(state, { type: 'prioritize', priority: 'mega', at } as never)).toThrow(ServiceFlowError);
    expect(() => process.start({ ...input, channel: 'fax' } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', path: ['channel'] }),
    );
  });

  it('reads event and context schemas written with your own zod (serviceSetup)', () => {
    const approval = serviceSetup({
      events: { approve: { approver: z.string().min(1) } },
      context: { approvedBy: z.string().nullable().default(null) },
    });
    expect(approval.eventSchema.safeParse({ type: 'approve', approver: 'lena', at }).success).toBe(true);
    let step = returnsProcess.start({ id: 'RMA-1', channel: 'web', customer: { id: 'C-1' }, at });
    step = returnsProcess.send(step.state, { type: 'approve', approver: 'lena', at: at + 1 });
    expect(step.state.context.approvedBy).toBe('lena');
    expect(() => returnsProcess.send(step.state, { type: 'refund', amount: -1, at: at + 2 } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_EVENT' }),
    );
  });

  it("runs the machines as plain XState actors with your own xstate's createActor", () => {
    const process = createProcess(inquiryMachine);
    const actor = createActor(process.machine, { input }).start();
    actor.send({ type: 'assign', agentId: 'a-1', at: at + 1 });
    expect(actor.getSnapshot().value).toMatchObject({ resolution: expect.anything() });
    actor.stop();
    const contact = createActor(contactMachine, {
      input: { id: 'K-1', channel: 'chat', direction: 'inbound', customer: { id: 'C-1' }, at },
    }).start();
    expect(contact.getSnapshot().status).toBe('active');
    contact.stop();
  });

  it('simulates, scripts scenarios and checks invariants (serviceflow/testing)', () => {
    const { stats, metrics } = simulate({ inquiries: 60, days: 1, seed: 3 });
    expect(stats.inquiries).toBe(60);
    expect(metrics?.counts.inquiries).toBe(60);
    expect(scenario().receive().agentReply().resolve().run().view.stage).toBe('followUp');
    const process = createProcess(inquiryMachine);
    checkInvariants(
      applyEvents(process, input, [
        { type: 'agent.reply', at: at + 1 },
        { type: 'resolve', at: at + 2 },
      ]),
      { process },
    );
  });

  it('runs a desk over a store', async () => {
    const desk = createServiceDesk({ process: createProcess(inquiryMachine), store: memoryStore() });
    await desk.open(input);
    await desk.send('T-1', { type: 'resolve', at: at + 1 });
    expect((await desk.get('T-1'))?.view.stage).toBe('followUp');
  });
});
