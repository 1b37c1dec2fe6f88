/**
 * One inquiry as the simulator follows it: the process state it carries, where it is in the
 * desk's story, who owns it and what is still scheduled for it.
 */
import type { Channel, FeedbackKind, Priority } from '../../schemas/inquiry.js';
import type { PersistedState } from '../../schemas/state.js';
import type { Agent, QueueEntry } from '../desk-model.js';
import type { ArrivalDraw } from './arrival-stream.js';

/** Where an inquiry is in the desk's story (the process's stage says the same in its own terms). */
export const enum Phase {
  Queued,
  Working,
  Waiting,
  FollowUp,
  Done,
}

export interface SimulatedInquiry {
  readonly index: number;
  readonly id: string;
  readonly channel: Channel;
  readonly category: string;
  readonly priority: Priority;
  readonly receivedAt: number;
  /** The process state; `null` once the inquiry is done, so that a finished story holds no memory. */
  state: PersistedState | null;
  wakeAt: number | null;
  phase: Phase;
  owner: SimulatedAgent | null;
  /** A team an escalation routed the inquiry to (when the desk has that team). */
  team: string | null;
  entry: QueueEntry<SimulatedInquiry> | null;
  sessions: number;
  sessionStartedAt: number;
  /** Customer actions still scheduled in follow-up (a survey answer, a follow-up question). */
  followUps: number;
  /** The survey the process scheduled at the last resolution (the policy may choose by rule), or `null`. */
  surveyKind: FeedbackKind | null;
  /** Bumped whenever the inquiry's story changes, so that stale agenda items are ignored. */
  version: number;
  resolvedAt: number;
}

/** An agent of the simulated desk. */
export type SimulatedAgent = Agent<SimulatedInquiry>;

/** A newly arrived inquiry, queued, with the state and wake-up its process `start` returned. */
export function arrivedInquiry(
  index: number,
  id: string,
  drawn: ArrivalDraw,
  at: number,
  state: PersistedState,
  wakeAt: number | null,
): SimulatedInquiry {
  return {
    index,
    id,
    channel: drawn.channel,
    category: drawn.category,
    priority: drawn.priority,
    receivedAt: at,
    state,
    wakeAt,
    phase: Phase.Queued,
    owner: null,
    team: null,
    entry: null,
    sessions: 0,
    sessionStartedAt: at,
    followUps: 0,
    surveyKind: null,
    version: 0,
    resolvedAt: -1,
  };
}
