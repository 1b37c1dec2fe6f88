import type * as z from 'zod/mini';

/**
 * Refuses the value a `z.transform` is reading, with `message` (at `path` inside it), and returns
 * `z.NEVER`'s stand-in.
 * zod/mini's transforms get the bare parse payload (classic zod adds `addIssue` to it, mini does
 * not), so the issue goes straight into its list.
 *
 * @internal
 */
export function refuseInTransform(
  payload: z.core.ParsePayload,
  message: string,
  path: readonly (string | number)[] = [],
): never {
  payload.issues.push({ code: 'custom', message, input: payload.value, path: [...path] });
  return undefined as never;
}
