/**
 * Values that a schema already validated and normalised in this process, so that a second layer
 * (the machine's context factory after the process's own check) can skip validating them again.
 * Only objects a schema returned are ever added, and they are never handed out for mutation.
 */
const validated = new WeakSet<object>();
/** The value a synchronous call in progress vouches for (see {@link withValidated}). */
let inHand: object | null = null;

/** Records that `value` is the output of a successful schema parse. */
export function markValidated<T>(value: T): T {
  if (typeof value === 'object' && value !== null) validated.add(value);
  return value;
}

/**
 * Runs `run` with `value` counted as validated, for a call that validated it and hands it on
 * synchronously (the process's start to the machine's context factory). Unlike
 * {@link markValidated} it leaves nothing behind: a `WeakSet` entry per started inquiry cost
 * time on every start and weak-reference work on every garbage collection.
 */
export function withValidated<V extends object, T>(value: V, run: (value: V) => T): T {
  const outer = inHand;
  inHand = value;
  try {
    return run(value);
  } finally {
    inHand = outer;
  }
}

/** Whether `value` is the output of a successful schema parse recorded by {@link markValidated}, or is in hand. */
export function isValidated(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value === inHand || validated.has(value));
}
