/**
 * Copies of plain records that stay on the JavaScript engine's fast path.
 *
 * `{ ...record, key: value }` is the cheapest copy there is while `key` is already one of the
 * record's own keys. When it is not — a clock getting its `metAt`, an inquiry its first
 * `firstRespondedAt`, any `...(x === undefined ? {} : { x })` — the engine gives the copy a
 * shape of its own, which makes that copy and every later copy of the object much slower (the
 * figures are in bench/README.md). Records whose optional keys come and go (surveys,
 * feedback, views) go through these helpers, which build the copy key by key (the way a literal is
 * built). Inquiry contexts and SLA clocks do better still: they keep every key, and one object
 * literal copies them (`inquiryContextCopy` in `machines/steps.ts`, `clockWith` in
 * `policies/sla-clocks.ts`).
 */

/** Sets `fields` on `copy`, a fresh copy made by the caller (a key set to `undefined` is kept). */
export function assignFields<T extends object>(copy: T, fields: { readonly [K in keyof T]?: T[K] | undefined }): T {
  for (const key in fields) (copy as Record<string, unknown>)[key] = fields[key as keyof typeof fields];
  return copy;
}

/** A copy of `record` with `fields` set (added or replaced; a key set to `undefined` is kept). */
export function withFields<T extends object>(record: T, fields: { readonly [K in keyof T]?: T[K] }): T {
  return assignFields(copyRecord(record), fields);
}

/** Sets `key` on a record under construction when `value` is defined (for optional fields). */
export function setDefined<T extends object, K extends keyof T>(record: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) (record as Record<K, T[K]>)[key] = value;
}

/** A copy of `record`, built key by key (so that keys added to it later stay cheap). */
export function copyRecord<T extends object>(record: T): T {
  const copy: Record<string, unknown> = {};
  for (const key in record) copy[key] = record[key];
  return copy as T;
}

/**
 * The one empty list every new context starts its lists with (contacts, clock and escalation
 * histories, feedback responses): frozen once, so that handing a new state out freezes no list
 * that is still empty. Steps never change a list in place; they make a new one.
 */
export const EMPTY_LIST: never[] = Object.freeze([]) as never[];
