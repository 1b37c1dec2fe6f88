/**
 * Runs each simulated inquiry's process: `start` on arrival, `send` for each thing that happens
 * to it, every effect recorded, and its view recorded when its story ends (closed, cancelled, or
 * settled in follow-up). Finished inquiries let go of their state, so that a streamed run holds
 * only the open ones.
 */
import type { InquiryMachine } from '../../machines/inquiry.js';
import { trustedSender, trustedStarter } from '../../engine/trusted.js';
import { ServiceFlowError } from '../../errors.js';
import type { ServiceProcess } from '../../process/createProcess.js';
import type { InquiryEffect } from '../../schemas/effects.js';
import type { InquiryEventInit } from '../../schemas/inquiry.js';
import type { AgentPool } from './agent-pool.js';
import type { ArrivalDraw } from './arrival-stream.js';
import type { RunRecord } from './run-record.js';
import { arrivedInquiry, Phase, type SimulatedInquiry } from './simulated-inquiry.js';

export type InquiryProcess = ServiceProcess<InquiryMachine>;

/** A follow-up is settled in at most this many ticks (each fires what is due: survey, expiry, close). */
const SETTLE_ROUNDS = 64;

export class InquiryRunner {
  private readonly startInquiry: InquiryProcess['start'];
  private readonly sendEvent: InquiryProcess['send'];
  /** The inquiries arrived and not yet found done (pruned as they finish). */
  private readonly live: SimulatedInquiry[] = [];
  private liveLimit = 1024;

  constructor(
    private readonly process: InquiryProcess,
    private readonly record: RunRecord,
    private readonly pool: AgentPool,
    /** The end of the run: follow-ups are settled up to it. */
    private readonly end: number,
    /** How long after a resolution the process closes an inquiry with nothing more to do. */
    private readonly closeAfter: number,
  ) {
    // The simulator builds every input and event itself (typed, `at` in epoch ms), and the options
    // schema only lets through tiers and categories that are valid, normalised input text: no
    // need to validate them again.
    this.startInquiry = trustedStarter(process);
    this.sendEvent = trustedSender(process);
  }

  /** Starts the process of the inquiry arriving `index`-th, at `at`; it counts as open. */
  start(index: number, at: number, drawn: ArrivalDraw): SimulatedInquiry {
    const id = `Q-${index + 1}`;
    const step = this.startInquiry({
      id,
      channel: drawn.channel,
      priority: drawn.priority,
      category: drawn.category,
      customer: { id: drawn.customerId, tier: drawn.tier },
      at,
    });
    this.record.counters.steps++;
    const inquiry = arrivedInquiry(index, id, drawn, at, step.state, step.wakeAt);
    for (const effect of step.effects) {
      this.record.effect(effect);
      if (effect.type === 'escalated' && effect.team !== undefined && this.pool.hasTeam(effect.team))
        inquiry.team = effect.team;
    }
    this.track(inquiry);
    this.record.counters.unresolved++;
    return inquiry;
  }

  /** Sends one event; `null` when the process refused it (counted, the story goes on). */
  send(inquiry: SimulatedInquiry, event: InquiryEventInit): readonly InquiryEffect[] | null {
    const state = inquiry.state;
    if (state === null) return null;
    let step;
    try {
      step = this.sendEvent(state, event);
    } catch (error) {
      if (!(error instanceof ServiceFlowError)) throw error;
      this.record.reject(event.type);
      return null;
    }
    this.record.counters.steps++;
    inquiry.state = step.state;
    inquiry.wakeAt = step.wakeAt;
    const effects = step.effects;
    let ended = false;
    for (const effect of effects) {
      this.record.effect(effect);
      if (effect.type === 'escalated' && effect.team !== undefined && this.pool.hasTeam(effect.team))
        inquiry.team = effect.team;
      else if (effect.type === 'inquiry.closed' || effect.type === 'inquiry.cancelled') ended = true;
    }
    if (ended) this.finish(inquiry, Number(event.at));
    return effects;
  }

  /**
   * Plays out a follow-up that nothing else will touch: its closing tick goes out now, stamped
   * with its own later instant (capped at the end of the run). The process is pure and each
   * inquiry is on its own, so the result is the one a tick sent later would give, and a large run
   * can forget the inquiry at once instead of holding it through the reopen window.
   */
  settle(inquiry: SimulatedInquiry): void {
    const end = this.end;
    const closeBy = inquiry.resolvedAt + this.closeAfter;
    for (
      let round = 0;
      round < SETTLE_ROUNDS && inquiry.phase === Phase.FollowUp && inquiry.wakeAt !== null && inquiry.wakeAt <= end;
      round++
    ) {
      this.send(inquiry, { type: 'tick', at: Math.min(end, Math.max(inquiry.wakeAt, closeBy)) });
    }
    if (inquiry.phase === Phase.FollowUp) this.retire(inquiry, end);
  }

  /** Reads every inquiry still open at the end, with every deadline due by then fired. */
  readOpenAtEnd(): void {
    const end = this.end;
    for (const inquiry of this.live) {
      if (inquiry.phase === Phase.Done) continue;
      if (inquiry.wakeAt !== null && inquiry.wakeAt <= end) this.send(inquiry, { type: 'tick', at: end });
      if (isDone(inquiry) || inquiry.state === null) continue;
      this.record.view(inquiry.index, this.process.view(inquiry.state, { at: end }));
    }
  }

  /** The inquiry closed or was cancelled: out of its queue, counted, its last view recorded. */
  private finish(inquiry: SimulatedInquiry, at: number): void {
    if (inquiry.phase === Phase.Done) return;
    if (inquiry.entry !== null) this.pool.leaveQueue(inquiry);
    const counters = this.record.counters;
    if (inquiry.phase !== Phase.FollowUp) counters.unresolved--;
    inquiry.phase = Phase.Done;
    inquiry.version++;
    counters.finished++;
    const state = inquiry.state;
    inquiry.state = null;
    if (state !== null)
      this.record.view(inquiry.index, this.process.view(state, { at: Math.max(at, state.context.lastEventAt) }));
  }

  /** Records the view of an inquiry still open at `at` that nothing will change before the end. */
  private retire(inquiry: SimulatedInquiry, at: number): void {
    const state = inquiry.state;
    inquiry.state = null;
    inquiry.phase = Phase.Done;
    inquiry.version++;
    if (state !== null) this.record.view(inquiry.index, this.process.view(state, { at }));
  }

  private track(inquiry: SimulatedInquiry): void {
    const live = this.live;
    if (live.length >= this.liveLimit) {
      // Drop finished inquiries so that a streamed run holds only the open ones.
      let kept = 0;
      for (const other of live) if (other.phase !== Phase.Done) live[kept++] = other;
      live.length = kept;
      this.liveLimit = Math.max(1024, kept * 2);
    }
    live.push(inquiry);
  }
}

/** Reads the phase afresh: a `send` may have finished the inquiry behind the compiler's back. */
const isDone = (inquiry: SimulatedInquiry): boolean => inquiry.phase === Phase.Done;
