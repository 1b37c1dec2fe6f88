/**
 * Object schemas that parse as fast as classic zod's. zod compiles the parse of a classic object
 * schema into a function made for its shape; a `zod/mini` object leaves that compiler out of the
 * bundle and walks its shape key by key, several times slower (bench/README.md). The objects
 * serviceflow parses on every step (events, inputs, the context a restore checks) are mini objects
 * built on zod core's compiling object instead: the same schema, the same issues, the same
 * `instanceof z.ZodMiniObject`, and their clones (`.check`, `z.extend`) compile too. Where the
 * platform forbids `new Function` (a strict Content-Security-Policy), zod falls back to the walk.
 */
import { $constructor, $ZodObjectJIT } from 'zod/v4/core';
import * as z from 'zod/mini';
import { ZodMiniType } from 'zod/mini';

const CompiledObject = /* @__PURE__ */ $constructor('ZodMiniObject', (inst: z.ZodMiniObject, def) => {
  $ZodObjectJIT.init(inst, def);
  ZodMiniType.init(inst, def);
  Object.defineProperty(inst, 'shape', { get: () => inst._zod.def.shape, configurable: true });
});

/** `schema`, rebuilt on zod's compiling object. */
function compiled<T extends z.ZodMiniObject>(schema: T): T {
  return new CompiledObject(schema._zod.def) as T;
}

/** `z.object(shape)` of zod/mini (unknown keys stripped), parsing as fast as classic zod's. */
export const compiledObject = <T extends z.core.$ZodLooseShape>(shape: T): z.ZodMiniObject<T, z.core.$strip> =>
  compiled(z.object(shape));

/** `z.strictObject(shape)` of zod/mini (unknown keys refused), parsing as fast as classic zod's. */
export const compiledStrictObject = <T extends z.core.$ZodLooseShape>(shape: T): z.ZodMiniObject<T, z.core.$strict> =>
  compiled(z.strictObject(shape));
