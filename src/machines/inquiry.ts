import { setup } from 'xstate';
import { describeZodError, InvalidInputError } from '../errors.js';
import type { InquiryEffect } from '../schemas/effects.js';
import { InquiryEvent, InquiryInput, type InquiryInputInit } from '../schemas/inquiry.js';
import { InquiryContext } from '../schemas/state.js';
import { serviceActions, serviceGuards, type InquiryMachineEvent } from './actions.js';
import { defaultPolicies } from '../policies/service-policies.js';
import { serviceRootHandlers } from './root-handlers.js';
import { receivedContext } from './steps.js';
import { deadlinesFirst } from './deadlines-first.js';
import { pureContext } from './pure-context.js';

/**
 * Validates and normalises a start input, throwing `INVALID_INPUT` with the offending path.
 *
 * @example
 * ```ts
 * import { parseInquiryInput } from 'serviceflow';
 * const input = parseInquiryInput({ id: 'T-1', channel: 'web', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' });
 * input.priority; // 'normal'
 * input.at; // 1772442000000
 * parseInquiryInput({ id: 'T-2', channel: 'web', customer: {}, at: 0 }); // throws INVALID_INPUT at ['customer', 'id']
 * ```
 */
export function parseInquiryInput(input: unknown): InquiryInput {
  const parsed = InquiryInput.safeParse(input);
  if (!parsed.success) {
    const { message, details } = describeZodError('inquiry input', input, parsed.error);
    throw new InvalidInputError(message, details);
  }
  return parsed.data;
}

const stage = <S extends string>(name: S) => ({ type: 'enterStage', params: { stage: name } }) as const;

/**
 * The life of one support inquiry as an XState v5 machine:
 * `inquiry` (received) → `identification` (categorised or prioritised) → `resolution` (assigned;
 * `working` / `pending`) → `followUp` (resolved: survey and reopen window) → `closed`, with
 * `cancelled` from any open stage. Time is data: every event carries `at`, deadlines live in the
 * context, and a `tick` fires the ones that are due, each at its own instant. No `after`, no
 * wall clock.
 *
 * Runs as is with XState's `createActor` (with the default policies), and with
 * {@link createProcess}, which binds your policies and persists the state as JSON.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { inquiryMachine } from 'serviceflow';
 * const actor = createActor(inquiryMachine, {
 *   input: { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: '2026-03-02T09:00:00Z' },
 * }).start();
 * actor.on('stage.changed', (effect) => console.log(effect.from, '→', effect.to));
 * actor.send({ type: 'assign', agentId: 'ana', at: Date.parse('2026-03-02T09:05:00Z') });
 * ```
 */
export const inquiryMachine = deadlinesFirst(
  setup({
    types: {
      context: {} as InquiryContext,
      events: {} as InquiryMachineEvent,
      input: {} as InquiryInputInit,
      emitted: {} as InquiryEffect,
      tags: {} as 'active' | 'pending' | 'resolved',
    },
    schemas: { input: InquiryInput, events: InquiryEvent, context: InquiryContext },
    actions: serviceActions(defaultPolicies),
    guards: serviceGuards(defaultPolicies),
  }).createMachine({
    id: 'inquiry',
    version: '1',
    context: pureContext(parseInquiryInput, receivedContext),
    entry: 'receive',
    initial: 'inquiry',
    // Accepted in every open stage; stages refine some of them.
    on: { ...serviceRootHandlers, cancel: { target: '.cancelled', actions: 'cancel' } },
    states: {
      inquiry: {
        tags: ['active'],
        entry: stage('inquiry'),
        on: {
          acknowledge: { actions: 'acknowledge' },
          categorize: { target: 'identification', actions: 'categorize' },
          prioritize: { target: 'identification', actions: 'prioritize' },
          assign: { target: 'resolution', actions: 'assign' },
          resolve: { target: 'followUp', actions: 'resolve' },
        },
      },
      identification: {
        tags: ['active'],
        entry: stage('identification'),
        on: {
          acknowledge: { actions: 'acknowledge' },
          assign: { target: 'resolution', actions: 'assign' },
          resolve: { target: 'followUp', actions: 'resolve' },
        },
      },
      resolution: {
        tags: ['active'],
        entry: stage('resolution'),
        initial: 'working',
        on: {
          resolve: { target: 'followUp', actions: 'resolve' },
        },
        states: {
          working: {
            on: { pend: { target: 'pending', actions: 'pend' } },
          },
          pending: {
            tags: ['pending'],
            on: {
              pend: { actions: 'pend' },
              resume: { target: 'working', actions: 'resumeWork' },
              'customer.reply': [
                { guard: 'pendingOnCustomer', target: 'working', actions: ['resumeWork', 'recordCustomerReply'] },
                { actions: 'recordCustomerReply' },
              ],
            },
          },
        },
      },
      followUp: {
        tags: ['resolved'],
        entry: [stage('followUp'), 'openFollowUp'],
        on: {
          // Inside the reopen window a reply or reopen reopens; after it, it asks for a follow-up.
          'customer.reply': [
            {
              guard: 'withinReopenWindow',
              target: 'resolution',
              actions: [{ type: 'reopen', params: { by: 'customer.reply' } }, 'recordCustomerReply'],
            },
            { actions: 'requestFollowUp' },
          ],
          reopen: [
            {
              guard: 'withinReopenWindow',
              target: 'resolution',
              actions: { type: 'reopen', params: { by: 'reopen' } },
            },
            { actions: 'requestFollowUp' },
          ],
          feedback: [
            {
              guard: 'feedbackReopens',
              target: 'resolution',
              actions: ['recordFeedback', { type: 'reopen', params: { by: 'feedback' } }],
            },
            { actions: 'recordFeedback' },
          ],
          close: { target: 'closed', actions: 'close' },
          deadline: [
            { guard: 'closesNow', target: 'closed', actions: ['fireDeadlines', 'closeAutomatically'] },
            { actions: 'fireDeadlines' },
          ],
        },
      },
      closed: { type: 'final', entry: stage('closed') },
      cancelled: { type: 'final', entry: stage('cancelled') },
    },
  }),
);

/** The type of the built-in inquiry machine. */
export type InquiryMachine = typeof inquiryMachine;
