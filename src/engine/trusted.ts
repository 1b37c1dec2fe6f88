/**
 * Trusted start and send: a process's step functions without the zod validation of their input,
 * for serviceflow's own callers that build valid, normalised inputs and events themselves (the
 * simulator). Their states are for the caller alone. Not public API.
 */

/** Where a process keeps its send-without-validation, for serviceflow's own trusted callers. */
export const TRUSTED_SEND: unique symbol = Symbol('serviceflow.trustedSend');

/** Where a process keeps its start-without-validation, for serviceflow's own trusted callers. */
export const TRUSTED_START: unique symbol = Symbol('serviceflow.trustedStart');

/**
 * The process's `start` for inputs its caller constructed itself, already in their parsed form
 * (every default filled in, `at` in epoch ms): it skips the zod validation, and its states are
 * for the caller alone (their context is the engine's own, neither a JSON-exact copy nor frozen:
 * never hand them out; views of them are fine). Not public API.
 */
export function trustedStarter<P extends { readonly start: unknown }>(process: P): P['start'] {
  const startParsed = (process as unknown as { [TRUSTED_START]?: P['start'] })[TRUSTED_START];
  return startParsed ?? process.start;
}

/**
 * The process's `send` for events its caller constructed itself with `at` in epoch ms (the
 * simulator): it skips the zod validation of the event, and its states are for the caller alone,
 * as those of {@link trustedStarter}. Not public API.
 */
export function trustedSender<P extends { readonly send: unknown }>(process: P): P['send'] {
  const sendParsed = (process as unknown as { [TRUSTED_SEND]?: P['send'] })[TRUSTED_SEND];
  return sendParsed ?? process.send;
}
