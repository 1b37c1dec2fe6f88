/**
 * A B2B incident process with 24×7 on-call escalation and a quality-review stage: triage →
 * investigating (waiting on a vendor pauses nothing: incidents run 24×7) → mitigated → quality
 * review (a second engineer checks the fix and the write-up; rejecting it sends the incident back)
 * → follow-up with the customer → closed. Built with serviceflow's building blocks.
 *
 * Run it: `npx tsx examples/incident-process.ts`
 */
import { pathToFileURL } from 'node:url';
import { assertEvent, assign } from 'xstate';
import { z } from 'zod';
import { createProcess, escalationPolicy, feedbackPolicy, followUpState, serviceSetup, slaPolicy } from 'serviceflow';

const incident = serviceSetup({
  events: {
    'page.acknowledged': { responder: z.string().min(1) },
    mitigate: { summary: z.string().min(1) },
    'review.approved': { reviewer: z.string().min(1) },
    'review.rejected': { reviewer: z.string().min(1), reason: z.string().min(1) },
  },
  context: {
    responder: z.string().nullable().default(null),
    reviewer: z.string().nullable().default(null),
    reviewRounds: z.number().int().default(0),
  },
});

const stage = <S extends string>(name: S) => ({ type: 'enterStage', params: { stage: name } }) as const;

/** The incident machine. */
export const incidentMachine = incident.createMachine({
  id: 'incident',
  version: '1',
  context: incident.context,
  entry: 'receive',
  on: { ...incident.on, cancel: { target: '.cancelled', actions: 'cancel' } },
  initial: 'triage',
  states: {
    triage: {
      tags: ['active'],
      entry: stage('triage'),
      on: {
        // acknowledging the page is the first response the SLA measures
        'page.acknowledged': {
          target: 'investigating',
          actions: [
            'recordAgentReply',
            assign({ responder: ({ event }) => (assertEvent(event, 'page.acknowledged'), event.responder) }),
          ],
        },
      },
    },
    investigating: {
      tags: ['active'],
      entry: stage('investigating'),
      on: { mitigate: { target: 'qualityReview', actions: { type: 'resolve', params: { resolution: 'mitigated' } } } },
    },
    qualityReview: {
      // Resolved for the SLA; the follow-up (survey, automatic close) starts only once the review passes.
      tags: ['active'],
      entry: stage('qualityReview'),
      on: {
        'review.approved': {
          target: 'followUp',
          actions: assign({ reviewer: ({ event }) => (assertEvent(event, 'review.approved'), event.reviewer) }),
        },
        'review.rejected': {
          target: 'investigating',
          actions: [
            { type: 'reopen', params: { by: 'reopen' } },
            assign({ reviewRounds: ({ context }) => context.reviewRounds + 1 }),
          ],
        },
      },
    },
    followUp: followUpState({ stage: 'followUp', reopenTo: 'investigating', closeTo: 'closed' }),
    closed: { type: 'final', entry: stage('closed') },
    cancelled: { type: 'final', entry: stage('cancelled') },
  },
});

/** 24×7 (no calendar: the default), severity by priority; on-call paging up four levels. */
export const incidentProcess = createProcess(incidentMachine, {
  sla: slaPolicy({
    // Time in quality review, a clock on this process's own stage and events: each review round is
    // one cycle (a rejection ends it; the next mitigation enters the stage again).
    metrics: {
      qualityReview: { start: { stage: 'qualityReview' }, stop: ['review.approved', 'review.rejected'] },
    },
    targets: [
      { when: { priority: 'urgent' }, firstResponse: '15m', resolution: '4h', qualityReview: '2h' }, // SEV-1
      { when: { priority: 'high' }, firstResponse: '30m', resolution: '8h', qualityReview: '4h' }, // SEV-2
      { firstResponse: '4h', resolution: '3d', qualityReview: '1d' },
    ],
    warnAt: 0.5,
  }),
  escalation: escalationPolicy({
    levels: [
      { name: 'primary on-call', notify: ['pager:primary'] },
      { name: 'secondary on-call', notify: ['pager:secondary'] },
      { name: 'incident commander', notify: ['pager:ic', 'slack:#incidents'] },
      { name: 'engineering director', notify: ['phone:director'] },
    ],
    rules: [
      { on: 'received', when: { priority: 'urgent' }, escalateTo: 'incident commander' },
      { on: 'sla.warning', metric: 'firstResponse', escalateTo: '+1' }, // half the ack time gone: page the next one
      { on: 'sla.breached', escalateTo: '+1' },
      { on: 'reopened', count: 2, escalateTo: 'engineering director' },
    ],
  }),
  feedback: feedbackPolicy({ survey: 'csat', sendAfter: '1d', reopenWindow: '3d', onNegative: ['reopen', 'escalate'] }),
});

/** A SEV-2 at night: the page goes unanswered, the review rejects the first fix. */
export function runIncident(print: (line: string) => void = console.log) {
  let step = incidentProcess.start({
    id: 'INC-42',
    channel: 'phone',
    customer: { id: 'ACME', tier: 'enterprise' },
    priority: 'high',
    at: '2026-05-02T02:00:00Z',
  });
  print(`received          → ${step.effects.map((e) => e.type).join(', ')}`);
  const events = [
    { type: 'page.acknowledged', responder: 'sam', at: '2026-05-02T02:40:00Z' },
    { type: 'mitigate', summary: 'rolled back deploy 812', at: '2026-05-02T04:00:00Z' },
    { type: 'review.rejected', reviewer: 'noor', reason: 'root cause unknown', at: '2026-05-02T09:00:00Z' },
    { type: 'mitigate', summary: 'fixed connection pool leak', at: '2026-05-02T11:00:00Z' },
    { type: 'review.approved', reviewer: 'noor', at: '2026-05-02T12:00:00Z' },
    { type: 'tick', at: '2026-05-11T00:00:00Z' },
  ] as const;
  for (const event of events) {
    step = incidentProcess.send(step.state, event);
    const view = incidentProcess.view(step.state);
    print(
      `${event.type.padEnd(17)} → ${view.stage.padEnd(13)} level ${view.escalation.name}; ${step.effects.map((e) => e.type).join(', ')}`,
    );
  }
  return incidentProcess.view(step.state);
}

if (import.meta.url === pathToFileURL(globalThis.process.argv[1] ?? '').href) runIncident();
