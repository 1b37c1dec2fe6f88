/**
 * The policies serviceflow's factories built: their config was validated, and they are frozen, so
 * `resolvePolicies` does not check them again. Any other object is checked in full.
 */
const built = new WeakSet<object>();

/** Freezes a policy a factory built from validated config and remembers it as checked. */
export function markBuilt<T extends object>(policy: T): T {
  built.add(Object.freeze(policy));
  return policy;
}

/** Whether `policy` came, unchanged, from a factory. */
export const isBuilt = (policy: unknown): boolean => typeof policy === 'object' && policy !== null && built.has(policy);
