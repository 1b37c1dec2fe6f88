import { afterEach, describe, expect, it } from 'vitest';
import {
  createProcess,
  createServiceDesk,
  feedbackPolicy,
  followUpId,
  inquiryMachine,
  manualClock,
  memoryStore,
  ServiceFlowError,
  type DeskErrorContext,
  type FollowUpRequestedEffect,
  type ServiceDesk,
  type ServiceDeskOptions,
  type SnapshotStore,
} from 'serviceflow';
import { DAY, HOUR, T0, makeInput } from '../support/fixtures.js';

const process = createProcess(inquiryMachine, {
  feedback: feedbackPolicy({ survey: false, reopenWindow: '2d', autoCloseAfter: '3d' }),
});
type Desk = ServiceDesk<typeof inquiryMachine>;
const desks: Desk[] = [];
const deskWith = (options: Partial<ServiceDeskOptions<typeof inquiryMachine>> = {}): Desk => {
  const desk = createServiceDesk({
    process,
    clock: manualClock(T0),
    scheduler: false,
    store: memoryStore(),
    ...options,
  });
  desks.push(desk);
  return desk;
};
afterEach(async () => {
  await Promise.all(desks.splice(0).map((desk) => desk.close()));
});

/** An inquiry resolved at T0 + 1h and closed by hand at T0 + 2h. */
async function closedInquiry(desk: Desk): Promise<void> {
  await desk.open(makeInput({ category: 'billing', priority: 'high', subject: 'Refund' }));
  await desk.send('T-1', { type: 'resolve', at: T0 + HOUR });
  await desk.send('T-1', { type: 'close', at: T0 + 2 * HOUR });
}

const LATE = T0 + 5 * DAY;

/** A store whose `create` fails for ids that match, while `failing` says so. */
function flakyCreates(store: SnapshotStore, failing: { now: boolean }): SnapshotStore {
  return Object.assign(Object.create(store) as SnapshotStore, {
    create: (write: Parameters<SnapshotStore['create']>[0]) =>
      failing.now && write.id.includes('~') ? Promise.reject(new Error('connection reset')) : store.create(write),
  });
}

describe('automatic follow-ups (in-process desk)', () => {
  it('opens a linked follow-up when the customer writes to a closed inquiry, before listeners hear of the request', async () => {
    const desk = deskWith();
    await closedInquiry(desk);
    const heard: { request: FollowUpRequestedEffect; existed: boolean }[] = [];
    desk.on(
      'followUp.requested',
      async (request) => void heard.push({ request, existed: (await desk.get(request.input.id)) !== undefined }),
    );

    const step = await desk.send('T-1', { type: 'customer.reply', at: LATE });

    const id = followUpId('T-1', LATE);
    expect(step.view).toMatchObject({ stage: 'closed', lastEventAt: T0 + 2 * HOUR });
    expect(step.effects.map(({ effect }) => effect.type)).toEqual(['followUp.requested']);
    expect(heard).toEqual([
      {
        request: {
          type: 'followUp.requested',
          inquiryId: 'T-1',
          at: LATE,
          by: 'customer.reply',
          input: {
            id,
            channel: 'email',
            customer: { id: 'C-1', tier: 'gold' },
            priority: 'high',
            category: 'billing',
            subject: 'Refund',
            followUpOf: 'T-1',
            at: LATE,
          },
        },
        existed: true,
      },
    ]);
    const followUp = await desk.get(id);
    expect(followUp?.view).toMatchObject({
      id,
      stage: 'inquiry',
      followUpOf: 'T-1',
      receivedAt: LATE,
      customer: { id: 'C-1' },
      priority: 'high',
      category: 'billing',
    });
  });

  it('opens one follow-up when the same event is sent again (a retry)', async () => {
    const desk = deskWith();
    await closedInquiry(desk);
    await desk.send('T-1', { type: 'customer.reply', at: LATE });
    await desk.send('T-1', { type: 'customer.reply', at: LATE });
    const followUp = await desk.get(followUpId('T-1', LATE));
    expect(followUp?.version).toBe(1);
    expect((await desk.get('T-1'))?.view.stage).toBe('closed');
  });

  it('opens one follow-up when the event is retried with its eventId (the step is replayed, not applied again)', async () => {
    const desk = deskWith();
    await closedInquiry(desk);
    const first = await desk.send('T-1', { type: 'customer.reply', at: LATE }, { eventId: 'mail-42' });
    const again = await desk.send('T-1', { type: 'customer.reply', at: LATE }, { eventId: 'mail-42' });
    expect(again.version).toBe(first.version);
    expect(again.effects.map(({ id }) => id)).toEqual(first.effects.map(({ id }) => id));
    expect((await desk.get(followUpId('T-1', LATE)))?.version).toBe(1);
  });

  it('opens a separate follow-up for each later message, and a follow-up of a follow-up', async () => {
    const desk = deskWith();
    await closedInquiry(desk);
    await desk.send('T-1', { type: 'customer.reply', at: LATE });
    await desk.send('T-1', { type: 'reopen', reason: 'same problem again', at: LATE + HOUR });
    const first = followUpId('T-1', LATE);
    expect((await desk.get(followUpId('T-1', LATE + HOUR)))?.view.followUpOf).toBe('T-1');
    await desk.send(first, { type: 'cancel', reason: 'duplicate', at: LATE + 2 * HOUR });
    await desk.send(first, { type: 'customer.reply', at: LATE + 3 * HOUR });
    const second = await desk.get(followUpId(first, LATE + 3 * HOUR));
    expect(second?.view).toMatchObject({ id: followUpId('T-1', LATE + 3 * HOUR), followUpOf: first });
  });

  it('opens a follow-up for a reply after the reopen window while the inquiry is still in follow-up', async () => {
    const desk = deskWith();
    await desk.open(makeInput());
    await desk.send('T-1', { type: 'resolve', at: T0 });
    const step = await desk.send('T-1', { type: 'customer.reply', at: T0 + 2 * DAY + 1 });
    expect(step.view).toMatchObject({ stage: 'followUp', reopenCount: 0 });
    expect((await desk.get(followUpId('T-1', T0 + 2 * DAY + 1)))?.view.stage).toBe('inquiry');
  });

  it('opens the follow-up on redelivery when opening it failed after the save (a crash, an outage)', async () => {
    const failing = { now: true };
    const store = flakyCreates(memoryStore(), failing);
    const desk = deskWith({ store });
    const errors: DeskErrorContext[] = [];
    desk.on('error', (_error, context) => void errors.push(context));
    await closedInquiry(desk);
    const step = await desk.send('T-1', { type: 'customer.reply', at: LATE });
    const id = followUpId('T-1', LATE);
    expect(await desk.get(id)).toBeUndefined();
    expect(errors).toEqual([{ operation: 'follow-up', inquiryId: 'T-1', effectId: step.effects[0]!.id }]);
    expect((await store.undispatched()).map((entry) => entry.type)).toEqual(['followUp.requested']);

    // A new desk on the same store (the process restarted) delivers what stayed undelivered.
    failing.now = false;
    const restarted = deskWith({ store });
    expect(await restarted.redeliver()).toBe(1);
    expect((await restarted.get(id))?.view.followUpOf).toBe('T-1');
    expect(await restarted.redeliver()).toBe(0);
    // The retried event after the crash finds the follow-up there: still one.
    await restarted.send('T-1', { type: 'customer.reply', at: LATE });
    expect((await restarted.get(id))?.version).toBe(1);
  });

  it('names follow-ups with followUps.id, deterministically', async () => {
    const desk = deskWith({
      followUps: { id: (request) => `${request.inquiryId}/${new Date(request.at).toISOString().slice(0, 10)}` },
    });
    await closedInquiry(desk);
    const heard: string[] = [];
    desk.on('followUp.requested', (request) => void heard.push(request.input.id));
    await desk.send('T-1', { type: 'customer.reply', at: LATE });
    await desk.send('T-1', { type: 'customer.reply', at: LATE + HOUR });
    expect(heard).toEqual(['T-1/2026-03-07', 'T-1/2026-03-07']);
    expect((await desk.get('T-1/2026-03-07'))?.view).toMatchObject({ followUpOf: 'T-1', receivedAt: LATE });
  });

  it('leaves opening to the host with followUps: false', async () => {
    const desk = deskWith({ followUps: false });
    await closedInquiry(desk);
    const heard: string[] = [];
    desk.on('followUp.requested', (request) => void heard.push(request.input.id));
    await desk.send('T-1', { type: 'customer.reply', at: LATE });
    expect(heard).toEqual([followUpId('T-1', LATE)]);
    expect(await desk.get(followUpId('T-1', LATE))).toBeUndefined();
  });

  it('still refuses other events on a closed inquiry', async () => {
    const desk = deskWith();
    await closedInquiry(desk);
    const error = await desk.send('T-1', { type: 'agent.reply', at: LATE }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceFlowError);
    expect((error as ServiceFlowError).code).toBe('EVENT_NOT_ALLOWED');
  });
});
