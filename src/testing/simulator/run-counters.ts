/** What a simulation run counts as it goes; the timeline and the progress reports read it. */
export class RunCounters {
  /** Accepted process steps: one `start` per inquiry plus every accepted `send`. */
  steps = 0;
  effects = 0;
  arrived = 0;
  /** Inquiries closed or cancelled. */
  finished = 0;
  /** Inquiries arrived or reopened and not resolved since (waiting, being worked or pending). */
  unresolved = 0;
  /** Of those, the ones waiting in a queue for an agent. */
  queued = 0;
}
