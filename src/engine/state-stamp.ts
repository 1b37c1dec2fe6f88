/**
 * The stamp on the states a process returns: the engine's cell of the state, kept on the plain
 * state object where JSON, spreads, deep equality and `structuredClone` cannot see it, so that the
 * next step on that state skips the restore.
 */
import type { Cell } from './fast-path.js';

/** Hands back what it is given, so that a subclass's constructor adds its fields to that object. */
class Stamped {
  constructor(target: object) {
    return target;
  }
}

/**
 * Where a state returned by a process keeps the process's cell of it: a private field added to the
 * plain state object (`new CellStamp(state, cell)` returns nothing new; the base class hands the
 * state to the field initialiser). Private fields are invisible to JSON, `Object.keys`, spreads,
 * deep equality and `structuredClone`, like a non-enumerable symbol, but adding one is an ordinary
 * hidden-class transition: a symbol through `Object.defineProperty` cost some 400 ns per step.
 */
export class CellStamp extends Stamped {
  readonly #cell: Cell;
  /** Whether the state is one to hand out (exactly its JSON, frozen), not a trusted caller's own. */
  readonly #handedOut: boolean;

  constructor(state: object, cell: Cell, handedOut: boolean) {
    super(state);
    this.#cell = cell;
    this.#handedOut = handedOut;
  }

  /** Whether a state stamped by a process is one it hands out; `true` for any other state. */
  static handedOut(state: object): boolean {
    return #handedOut in state ? (state as CellStamp).#handedOut : true;
  }

  /** The cell stamped on `state`, if a process stamped one. */
  static of(state: unknown): Cell | undefined {
    return typeof state === 'object' && state !== null && #cell in state ? (state as CellStamp).#cell : undefined;
  }
}
