/**
 * A returns (RMA) process defined in code with serviceflow's building blocks: request → approval →
 * return label sent → item received → inspection → refund or rejection, then the usual follow-up.
 * It gets SLA clocks (paused while the parcel travels), escalation, a survey, durable wake-ups,
 * persistence and the process API without writing any of them.
 *
 * Run it: `npx tsx examples/returns-process.ts`
 */
import { pathToFileURL } from 'node:url';
import { assertEvent, assign } from 'xstate';
import { z } from 'zod';
import {
  businessCalendar,
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  followUpState,
  serviceSetup,
  slaPolicy,
} from 'serviceflow';

const returns = serviceSetup({
  events: {
    approve: { approver: z.string().min(1) },
    reject: { reason: z.string().min(1) },
    'label.sent': { carrier: z.string().min(1), trackingId: z.string().min(1) },
    'item.received': {},
    'inspection.passed': {},
    'inspection.failed': { reason: z.string().min(1) },
    refund: { amount: z.number().positive() },
  },
  context: {
    approvedBy: z.string().nullable().default(null),
    trackingId: z.string().nullable().default(null),
    refundAmount: z.number().nullable().default(null),
  },
});

const stage = <S extends string>(name: S) => ({ type: 'enterStage', params: { stage: name } }) as const;

/** The returns machine: an ordinary XState v5 machine that keeps serviceflow's contract. */
export const returnsMachine = returns.createMachine({
  id: 'returns',
  version: '1',
  context: returns.context,
  entry: 'receive',
  on: { ...returns.on, cancel: { target: '.cancelled', actions: 'cancel' } },
  initial: 'requested',
  states: {
    requested: {
      tags: ['active'],
      entry: stage('requested'),
      on: {
        approve: {
          target: 'labelPending',
          actions: [
            'recordAgentReply',
            assign({ approvedBy: ({ event }) => (assertEvent(event, 'approve'), event.approver) }),
          ],
        },
        reject: {
          target: 'followUp',
          actions: ['recordAgentReply', { type: 'resolve', params: { resolution: 'rejected' } }],
        },
      },
    },
    labelPending: {
      tags: ['active'],
      entry: stage('labelPending'),
      on: {
        'label.sent': {
          target: 'inTransit',
          actions: [
            assign({ trackingId: ({ event }) => (assertEvent(event, 'label.sent'), event.trackingId) }),
            { type: 'pend', params: { reason: 'customer' } },
          ],
        },
      },
    },
    inTransit: {
      // The parcel is with the customer and the carrier: the resolution clock is paused.
      tags: ['active', 'pending'],
      entry: stage('inTransit'),
      on: { 'item.received': { target: 'inspection', actions: 'resumeWork' } },
    },
    inspection: {
      tags: ['active'],
      entry: stage('inspection'),
      on: {
        'inspection.passed': 'refundPending',
        'inspection.failed': {
          target: 'followUp',
          actions: { type: 'resolve', params: { resolution: 'rejected after inspection' } },
        },
      },
    },
    refundPending: {
      tags: ['active'],
      entry: stage('refundPending'),
      on: {
        refund: {
          target: 'followUp',
          actions: [
            assign({ refundAmount: ({ event }) => (assertEvent(event, 'refund'), event.amount) }),
            { type: 'resolve', params: { resolution: 'refunded' } },
          ],
        },
      },
    },
    followUp: followUpState({ stage: 'followUp', reopenTo: 'inspection', closeTo: 'closed' }),
    closed: { type: 'final', entry: stage('closed') },
    cancelled: { type: 'final', entry: stage('cancelled') },
  },
});

const warehouseHours = businessCalendar({
  timezone: 'Europe/Berlin',
  week: {
    mon: [['08:00', '18:00']],
    tue: [['08:00', '18:00']],
    wed: [['08:00', '18:00']],
    thu: [['08:00', '18:00']],
    fri: [['08:00', '18:00']],
  },
});

/**
 * The returns process: approval within one business day, the whole return within five, and the
 * refund within two business days (20 warehouse hours) of the item's arrival — a clock on this
 * process's own events.
 */
export const returnsProcess = createProcess(returnsMachine, {
  sla: slaPolicy({
    calendar: warehouseHours,
    metrics: {
      refundTime: { start: 'item.received', stop: 'refund', cancel: ['inspection.failed', 'cancel'] },
    },
    targets: [
      { when: { tier: 'vip' }, firstResponse: '4h', resolution: '20h', refundTime: '10h' },
      { firstResponse: '10h', resolution: '50h', refundTime: '20h' },
    ],
    warnAt: 0.8,
  }),
  escalation: escalationPolicy({
    levels: [{ name: 'returns-desk' }, { name: 'returns-lead', notify: ['returns-lead@example.com'] }],
    rules: [{ on: 'sla.breached', escalateTo: '+1' }],
  }),
  feedback: feedbackPolicy({ survey: 'ces', sendAfter: '2h', reopenWindow: '14d', onNegative: 'escalate' }),
});

/** One return, from request to the automatic close; returns the final view. */
export function runReturn(print: (line: string) => void = console.log) {
  let step = returnsProcess.start({
    id: 'RMA-7',
    channel: 'web',
    customer: { id: 'C-3' },
    subject: 'Shoes too small',
    at: '2026-04-06T09:00:00+02:00',
  });
  const events = [
    { type: 'approve', approver: 'lena', at: '2026-04-06T11:00:00+02:00' },
    { type: 'label.sent', carrier: 'DHL', trackingId: 'JD0146', at: '2026-04-06T11:05:00+02:00' },
    { type: 'item.received', at: '2026-04-10T10:00:00+02:00' },
    { type: 'inspection.passed', at: '2026-04-10T14:00:00+02:00' },
    { type: 'refund', amount: 89.9, at: '2026-04-10T15:00:00+02:00' },
    { type: 'feedback', kind: 'ces', score: 2, at: '2026-04-11T09:00:00+02:00' },
    { type: 'tick', at: '2026-04-30T00:00:00+02:00' },
  ] as const;
  for (const event of events) {
    step = returnsProcess.send(step.state, event);
    print(
      `${event.type.padEnd(18)} → ${returnsProcess.view(step.state).stage.padEnd(13)} ${step.effects.map((e) => e.type).join(', ')}`,
    );
  }
  return returnsProcess.view(step.state);
}

if (import.meta.url === pathToFileURL(globalThis.process.argv[1] ?? '').href) {
  const view = runReturn();
  console.log(
    `resolution clock: ${view.sla.resolution?.status}, ${Math.round((view.sla.resolution?.elapsedMs ?? 0) / 3_600_000)}h of business time`,
  );
  console.log(
    `refund clock: ${view.sla.refundTime?.status}, ${Math.round((view.sla.refundTime?.elapsedMs ?? 0) / 3_600_000)}h of business time`,
  );
}
