/**
 * Copies of plain records that stay fast in V8.
 *
 * `{ ...record, key: value }` is the cheapest copy there is while `key` is already one of the
 * record's own keys. When it is not — a clock getting its `metAt`, an inquiry its first
 * `firstRespondedAt`, any `...(x === undefined ? {} : { x })` — V8 (Node 20) gives the copy a
 * hidden class of its own: some 1.4 µs per copy instead of 0.05, and every later copy of that
 * object is several times slower as well. Steps and views add optional keys all the time, so they
 * go through these helpers, which build the copy key by key (the way a literal is built).
 */

/** A copy of `record` with `fields` set (added or replaced; a key set to `undefined` is kept). */
export function withFields<T extends object>(record: T, fields: { readonly [K in keyof T]?: T[K] }): T {
  const copy = copyRecord(record);
  for (const key in fields) (copy as Record<string, unknown>)[key] = fields[key as keyof typeof fields];
  return copy;
}

/** A copy of `record` without `keys`, with `fields` set afterwards. */
export function withoutFields<T extends object, K extends keyof T>(
  record: T,
  keys: readonly K[],
  fields: { readonly [F in keyof T]?: T[F] } = {},
): T {
  const copy: Record<string, unknown> = {};
  for (const key in record) if (!keys.includes(key as unknown as K)) copy[key] = record[key];
  for (const key in fields) copy[key] = fields[key as keyof typeof fields];
  return copy as T;
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
