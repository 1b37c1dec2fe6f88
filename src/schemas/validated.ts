/**
 * Values that a schema already validated and normalised in this process, so that a second layer
 * (the machine's context factory after the process's own check) can skip validating them again.
 * Only objects a schema returned are ever added, and they are never handed out for mutation.
 */
const validated = new WeakSet<object>();

/** Records that `value` is the output of a successful schema parse. */
export function markValidated<T>(value: T): T {
  if (typeof value === 'object' && value !== null) validated.add(value);
  return value;
}

/** Whether `value` is the output of a successful schema parse recorded by {@link markValidated}. */
export function isValidated(value: unknown): boolean {
  return typeof value === 'object' && value !== null && validated.has(value);
}
