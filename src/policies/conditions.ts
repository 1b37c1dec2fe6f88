import * as z from 'zod/mini';
import { Channel, Priority } from '../schemas/inquiry.js';

const oneOrMany = <T extends z.core.$ZodType>(schema: T) =>
  z.union([schema, z.readonly(z.array(schema).check(z.minLength(1, 'must list at least one value')))]);

/**
 * A condition on an inquiry's attributes, shared by SLA targets and escalation rules: each given
 * field must match (a value, or any value of a list); an empty condition matches everything.
 *
 * @example
 * ```ts
 * import { Condition } from 'serviceflow';
 * const urgentChats = Condition.parse({ priority: ['high', 'urgent'], channel: 'chat' });
 * Condition.safeParse({ priority: 'critical' }).success; // false: not a priority
 * ```
 */
export const Condition = z.strictObject({
  priority: z.optional(oneOrMany(Priority)),
  channel: z.optional(oneOrMany(Channel)),
  tier: z.optional(oneOrMany(z.string().check(z.minLength(1)))),
  category: z.optional(oneOrMany(z.string().check(z.minLength(1)))),
});
export type Condition = z.infer<typeof Condition>;

/** The attributes of an inquiry that conditions look at. */
export interface InquiryFacts {
  readonly priority: Priority;
  readonly channel: Channel;
  readonly tier?: string | undefined;
  readonly category?: string | undefined;
}

function fieldMatches(expected: string | readonly string[] | undefined, actual: string | undefined): boolean {
  if (expected === undefined) return true;
  if (actual === undefined) return false;
  return typeof expected === 'string' ? expected === actual : expected.includes(actual);
}

/**
 * Whether an inquiry's attributes satisfy a condition. A field the condition names but the inquiry
 * lacks (no tier, no category yet) does not match.
 *
 * @example
 * ```ts
 * import { matchesCondition } from 'serviceflow';
 * matchesCondition({ priority: ['high', 'urgent'] }, { priority: 'urgent', channel: 'email' }); // true
 * ```
 */
export function matchesCondition(condition: Condition | undefined, facts: InquiryFacts): boolean {
  if (condition === undefined) return true;
  return (
    fieldMatches(condition.priority, facts.priority) &&
    fieldMatches(condition.channel, facts.channel) &&
    fieldMatches(condition.tier, facts.tier) &&
    fieldMatches(condition.category, facts.category)
  );
}
