/**
 * The timing of a contact, computed from the instants its events recorded: nothing is
 * accumulated, so every figure is exactly what the event timestamps say.
 */
import type { ContactContext, ContactHold } from '../schemas/contact.js';

/**
 * The durations of one contact, in milliseconds.
 *
 * - `queueMs`: from the first `routed` to `agent.connected` (or to `abandon` / `self-service.resolved`
 *   while queued); 0 when never routed.
 * - `holdMs`: the sum of every hold, from `hold` to `unhold` (or to the `transfer` / `contact.ended`
 *   that ended it).
 * - `talkMs`: from `agent.connected` to `contact.ended`, minus `holdMs`.
 * - `wrapUpMs`: from `contact.ended` to `wrapup.completed`.
 * - `handleMs`: `talkMs + holdMs + wrapUpMs`, which is `wrapup.completed − agent.connected`.
 *
 * A period still under way counts up to the instant the timings are read at.
 *
 * @example
 * ```ts
 * import type { ContactTimings } from 'serviceflow';
 * const aht = (contacts: ContactTimings[]) => contacts.reduce((sum, c) => sum + c.talkMs + c.holdMs + c.wrapUpMs, 0) / contacts.length;
 * ```
 */
export interface ContactTimings {
  readonly queueMs: number;
  readonly talkMs: number;
  readonly holdMs: number;
  readonly wrapUpMs: number;
  readonly handleMs: number;
}

/** The length of one hold; a hold still under way ends at `end`. */
export function holdLength(hold: ContactHold, end: number): number {
  return (hold.endedAt ?? end) - hold.startedAt;
}

/** When the contact stopped waiting in pre-contact: an agent connected, it was deflected or abandoned. */
function preContactEnd(ctx: ContactContext): number | undefined {
  return ctx.connectedAt ?? ctx.abandonedAt ?? (ctx.outcome === 'self-service' ? ctx.completedAt : undefined);
}

/**
 * The timings of a contact read at `at` (never earlier than its last event). Periods that ended
 * are fixed by their events; a period still under way counts up to `at`.
 *
 * @example
 * ```ts
 * import { contactMachine, contactTimings, createProcess } from 'serviceflow';
 * const contacts = createProcess(contactMachine);
 * let step = contacts.start({ id: 'K-1', channel: 'phone', direction: 'inbound', customer: { id: 'C-1' }, at: 0 });
 * step = contacts.send(step.state, { type: 'routed', queue: 'general', at: 60_000 });
 * contactTimings(step.state.context, 180_000).queueMs; // 120000: still waiting, read two minutes later
 * ```
 */
export function contactTimings(ctx: ContactContext, at: number = ctx.lastEventAt): ContactTimings {
  const now = Math.max(at, ctx.lastEventAt);
  const queuedAt = ctx.routing[0]?.at;
  const queueMs = queuedAt === undefined ? 0 : (preContactEnd(ctx) ?? now) - queuedAt;
  if (ctx.connectedAt === undefined) return { queueMs, talkMs: 0, holdMs: 0, wrapUpMs: 0, handleMs: 0 };
  const talkEnd = ctx.endedAt ?? now;
  let holdMs = 0;
  for (const hold of ctx.holds) holdMs += holdLength(hold, talkEnd);
  const talkMs = talkEnd - ctx.connectedAt - holdMs;
  const wrapUpMs = ctx.endedAt === undefined ? 0 : (ctx.completedAt ?? now) - ctx.endedAt;
  return { queueMs, talkMs, holdMs, wrapUpMs, handleMs: talkMs + holdMs + wrapUpMs };
}
