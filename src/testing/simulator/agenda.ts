/**
 * The simulator's agenda: what is due to happen later (a session's end, a customer's answer, an
 * agent's next shift), in time order. Items are ordered by `at`, ties by the order in which they
 * were scheduled, which keeps a seeded run deterministic.
 */
import { MinHeap } from '../min-heap.js';
import type { SimulatedAgent, SimulatedInquiry } from './simulated-inquiry.js';

/** What an agenda item is about. */
export const enum AgendaKind {
  SessionEnd,
  CustomerReply,
  GiveUpWaiting,
  SurveyAnswer,
  FollowUpQuestion,
  Cancel,
  AgentWake,
}

/**
 * One thing due at `at`. An item about an inquiry carries the inquiry's `version` when it was
 * scheduled: once the inquiry's story moved on (a reply came, it was resolved), the item is stale.
 */
export interface AgendaItem {
  readonly at: number;
  readonly seq: number;
  readonly kind: AgendaKind;
  readonly inquiry: SimulatedInquiry | null;
  readonly agent: SimulatedAgent | null;
  readonly version: number;
}

export class Agenda {
  private readonly items = new MinHeap<AgendaItem>();
  private seq = 0;

  schedule(at: number, kind: AgendaKind, inquiry: SimulatedInquiry | null, agent: SimulatedAgent | null = null): void {
    this.items.push({ at, seq: this.seq++, kind, inquiry, agent, version: inquiry?.version ?? 0 });
  }

  /** The next item due, left on the agenda. */
  peek(): AgendaItem | undefined {
    return this.items.peek();
  }

  /** Takes the next item due off the agenda. */
  pop(): AgendaItem | undefined {
    return this.items.pop();
  }
}
