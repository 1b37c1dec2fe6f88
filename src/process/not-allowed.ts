/**
 * The refusal of an event no state accepts: `EVENT_NOT_ALLOWED`, saying in which stage, what moved
 * the instance there first, and which events are accepted instead.
 */
import { EventNotAllowedError } from '../errors.js';
import type { LiveState } from '../engine/fast-path.js';
import { ownEventTypes } from '../engine/xstate-internals.js';
import type { InquiryContext, StateValue } from '../schemas/state.js';

const stageOf = (value: StateValue): string => (typeof value === 'string' ? value : (Object.keys(value)[0] ?? '?'));

/**
 * Why `event` is refused in `after` (the live state the deadlines due by its instant left), `before`
 * being the live state the event was sent to.
 */
export function notAllowed(
  before: LiveState,
  after: LiveState,
  event: { type: string; at: number },
): EventNotAllowedError {
  const stage = stageOf(after.snapshot.value as StateValue);
  const movedBy =
    stageOf(before.snapshot.value as StateValue) === stage
      ? ''
      : ` (deadlines due by ${new Date(event.at).toISOString()} moved it from '${stageOf(before.snapshot.value as StateValue)}' to '${stage}' first)`;
  const handled = after.snapshot.status === 'active' ? new Set(ownEventTypes(after.snapshot)) : new Set<string>();
  // The state has transitions for the event, and none of their conditions held: it is not
  // "accepted here", whatever the state's event list says.
  const guarded = handled.has(event.type);
  const accepted = [...handled].filter((type) => type !== 'deadline' && type !== event.type);
  const ctx = after.context as InquiryContext;
  const hint =
    (event.type === 'reopen' || event.type === 'customer.reply') && stage === 'followUp' && ctx.followUp !== null
      ? `; the reopen window ended at ${new Date(ctx.followUp.reopenUntil).toISOString()}`
      : '';
  const ended = after.snapshot.status !== 'active';
  return new EventNotAllowedError(
    `Event '${event.type}' is not allowed in stage '${stage}'${movedBy}${guarded ? ' now: no condition for it holds' : ''}${hint}; ${
      accepted.length > 0
        ? `${guarded ? 'other events ' : ''}accepted here: ${accepted.join(', ')}`
        : ended
          ? 'the process has ended and accepts no events'
          : 'no other event is accepted here'
    }`,
    {
      path: ['type'],
      received: event.type,
      expected:
        accepted.length > 0
          ? `one of ${accepted.join(', ')}`
          : ended
            ? 'no event (final stage)'
            : 'no event in this state',
    },
  );
}
