/**
 * The step of a desk's wake-up: the inquiry's due deadlines fired by ticks at their own instants.
 */
import { IncompatibleStateError } from '../errors.js';
import type { AnyServiceMachine, ProcessStep, ServiceProcess } from '../process/createProcess.js';
import type { DeskClock } from './clock.js';
import { lastEventAtOf } from './snapshot.js';
import type { Apply } from './step-results.js';

/**
 * The step of a wake-up: ticks at each due `wakeAt` in turn until none is due by `clock.now()`;
 * `null` when nothing was due. A tick that leaves the inquiry due is refused (`INCOMPATIBLE_STATE`)
 * rather than repeated forever.
 */
export function dueTicks(process: ServiceProcess<AnyServiceMachine>, clock: DeskClock): Apply {
  return (state, current) => {
    const now = clock.now();
    let wakeAt = process.wakeAt(state as never);
    if (wakeAt === null || wakeAt > now) {
      // Nothing due. A stored wakeAt that is due but not the process's own is corrected (a write
      // without effects): left as it is, the store's due() would offer the inquiry forever.
      const stale = current.wakeAt !== null && current.wakeAt <= now && current.wakeAt !== wakeAt;
      return stale ? { state, effects: [], wakeAt } : null;
    }
    let stepped: ProcessStep<unknown, unknown> = { state, effects: [], wakeAt };
    const effects: unknown[] = [];
    // Tick at each due time in turn (not at `now`): the record does not depend on how late the
    // timer fired, and an event stamped between two deadlines is not refused as out of order.
    for (let ticks = 0; wakeAt !== null && wakeAt <= now; ticks++) {
      const at = Math.max(wakeAt, lastEventAtOf(stepped.state));
      const next = process.send(stepped.state as never, { type: 'tick', at } as never) as ProcessStep<unknown, unknown>;
      if (next.wakeAt !== null && next.wakeAt <= at) {
        // A tick that leaves the inquiry due: ticking again would do the same, forever. Keep the
        // ticks that moved on; on the first one, the stored state itself is at fault.
        if (ticks > 0) break;
        throw new IncompatibleStateError(
          `A tick at ${at} leaves the inquiry due at ${next.wakeAt}: its stored state never gets past that deadline`,
          { path: ['wakeAt'], received: next.wakeAt, expected: `a wake-up after the tick at ${at}, or null` },
        );
      }
      effects.push(...next.effects);
      stepped = next;
      wakeAt = next.wakeAt;
    }
    return { state: stepped.state, effects, wakeAt: stepped.wakeAt };
  };
}
