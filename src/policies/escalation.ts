import * as z from 'zod/mini';
import { describeZodError, InvalidConfigError } from '../errors.js';
import { SlaMetricName, type EscalationTrigger } from '../schemas/state.js';
import { markBuilt } from './built-policies.js';
import { Condition, matchesCondition, type InquiryFacts } from './conditions.js';

/**
 * One rung of an escalation path: its name, who to notify, and the team it routes to.
 *
 * @example
 * ```ts
 * import { EscalationLevel } from 'serviceflow';
 * EscalationLevel.parse({ name: 'specialist', team: 'tier-2', notify: ['#support-escalations'] });
 * ```
 */
export const EscalationLevel = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1, 'a level needs a name')),
  /** Who to tell when an inquiry reaches this level (addresses, channels, user ids: yours to interpret). */
  notify: z.optional(z.readonly(z.array(z.string().check(z.minLength(1))))),
  /** Functional escalation: reaching this level routes the inquiry to this team. */
  team: z.optional(z.string().check(z.trim(), z.minLength(1))),
});
export type EscalationLevel = z.infer<typeof EscalationLevel>;

/** What can set off an automatic escalation. */
export const EscalationRuleTrigger = z.enum([
  'received',
  'sla.warning',
  'sla.breached',
  'feedback.negative',
  'reopened',
]);
export type EscalationRuleTrigger = z.infer<typeof EscalationRuleTrigger>;

/**
 * One escalation rule: on a trigger (optionally narrowed), escalate and/or route. Which fields fit
 * which trigger is checked by {@link EscalationPolicyConfig}.
 *
 * @example
 * ```ts
 * import { EscalationRule } from 'serviceflow';
 * EscalationRule.parse({ on: 'sla.breached', metric: 'resolution', escalateTo: '+1' });
 * EscalationRule.parse({ on: 'received', when: { category: 'billing' }, routeTo: 'billing-desk' });
 * ```
 */
export const EscalationRule = z.strictObject({
  on: EscalationRuleTrigger,
  /** For `sla.warning` / `sla.breached`: only this metric. */
  metric: z.optional(SlaMetricName),
  /** Only inquiries with these attributes. */
  when: z.optional(Condition),
  /** For `reopened`: from the nth reopen on (1 = every reopen). */
  count: z.optional(z.number().check(z.int(), z.gte(1, 'count must be at least 1'))),
  /** `'+1'` for one level up, or a level name to jump to. */
  escalateTo: z.optional(z.string().check(z.minLength(1))),
  /** Functional escalation: route the inquiry to this team. */
  routeTo: z.optional(z.string().check(z.trim(), z.minLength(1))),
});
export type EscalationRule = z.infer<typeof EscalationRule>;

/**
 * The configuration {@link escalationPolicy} accepts (the type is the input, before defaults):
 * at least one level, names unique, and rules (default none) that each escalate and/or route,
 * escalate to `'+1'` or a known level, and use `metric` only on SLA triggers and `count` only on
 * `reopened`.
 *
 * @example
 * ```ts
 * import { EscalationPolicyConfig } from 'serviceflow';
 * const config: EscalationPolicyConfig = {
 *   levels: [{ name: 'agent' }, { name: 'lead', notify: ['leads@example.com'] }],
 *   rules: [{ on: 'feedback.negative', escalateTo: 'lead' }],
 * };
 * EscalationPolicyConfig.safeParse({ levels: [{ name: 'agent' }], rules: [{ on: 'received', escalateTo: 'boss' }] }).success;
 * // false: unknown level 'boss'
 * ```
 */
export const EscalationPolicyConfig = z
  .strictObject({
    levels: z.readonly(z.array(EscalationLevel).check(z.minLength(1, 'an escalation path needs at least one level'))),
    rules: z._default(z.readonly(z.array(EscalationRule)), []),
  })
  .check(
    z.superRefine((config, ctx) => {
      const names = new Set<string>();
      config.levels.forEach((level, index) => {
        if (names.has(level.name))
          ctx.addIssue({
            code: 'custom',
            path: ['levels', index, 'name'],
            message: `duplicate level name '${level.name}'`,
          });
        names.add(level.name);
      });
      config.rules.forEach((rule, index) => {
        const path = (field: string) => ['rules', index, field];
        if (rule.escalateTo === undefined && rule.routeTo === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: path('escalateTo'),
            message: "a rule needs escalateTo ('+1' or a level name), routeTo (a team), or both",
          });
        }
        if (rule.escalateTo !== undefined && rule.escalateTo !== '+1' && !names.has(rule.escalateTo)) {
          ctx.addIssue({
            code: 'custom',
            path: path('escalateTo'),
            message: `unknown level '${rule.escalateTo}'; expected '+1' or one of ${[...names].map((n) => `'${n}'`).join(', ')}`,
          });
        }
        if (rule.metric !== undefined && rule.on !== 'sla.warning' && rule.on !== 'sla.breached') {
          ctx.addIssue({
            code: 'custom',
            path: path('metric'),
            message: `metric only applies to sla.warning and sla.breached rules, not '${rule.on}'`,
          });
        }
        if (rule.count !== undefined && rule.on !== 'reopened') {
          ctx.addIssue({
            code: 'custom',
            path: path('count'),
            message: `count only applies to reopened rules, not '${rule.on}'`,
          });
        }
      });
    }),
  );
export type EscalationPolicyConfig = z.input<typeof EscalationPolicyConfig>;

/** Something that happened which escalation rules may react to. */
export type EscalationSignal =
  | { readonly on: 'received' }
  | { readonly on: 'sla.warning' | 'sla.breached'; readonly metric: SlaMetricName }
  | { readonly on: 'feedback.negative' }
  | { readonly on: 'reopened'; readonly count: number };

/** What a policy decided: the level to go to (absolute index) and/or the team to route to. */
export interface EscalationDecision {
  readonly level?: number;
  readonly team?: string;
  readonly trigger: EscalationTrigger;
  readonly reason: string;
}

/**
 * What the escalation machinery needs from a policy. {@link escalationPolicy} builds one from
 * configuration; any object with this shape works.
 */
export interface EscalationPolicy {
  /** The ordered levels; index 0 is where every inquiry starts. */
  readonly levels: readonly EscalationLevel[];
  /** The escalation a signal sets off for an inquiry at `currentLevel`, or `null`. */
  decide(signal: EscalationSignal, facts: InquiryFacts, currentLevel: number): EscalationDecision | null;
  /**
   * The SLA metric each rule names, by rule index (`undefined` for none): `createProcess` checks
   * them against the SLA policy's metrics. Absent: not checked.
   */
  readonly ruleMetrics?: readonly (string | undefined)[];
}

function describeSignal(signal: EscalationSignal): string {
  switch (signal.on) {
    case 'sla.warning':
    case 'sla.breached':
      return `${signal.on}:${signal.metric}`;
    case 'reopened':
      return `reopened (${signal.count})`;
    default:
      return signal.on;
  }
}

/**
 * Builds an escalation policy: ordered levels (e.g. agent → specialist → manager) and rules that
 * climb them, or route to a team, when something happens. The first matching rule wins; an
 * escalation never goes down, and the top level caps.
 *
 * @example
 * ```ts
 * import { escalationPolicy } from 'serviceflow';
 * const escalation = escalationPolicy({
 *   levels: [{ name: 'agent' }, { name: 'specialist', team: 'tier-2' }, { name: 'manager', notify: ['support-leads@example.com'] }],
 *   rules: [
 *     { on: 'received', when: { tier: 'vip' }, escalateTo: 'specialist' },
 *     { on: 'sla.breached', metric: 'resolution', escalateTo: 'manager' },
 *     { on: 'sla.breached', escalateTo: '+1' },
 *     { on: 'reopened', count: 2, escalateTo: '+1' },
 *   ],
 * });
 * ```
 */
export function escalationPolicy(config: EscalationPolicyConfig): EscalationPolicy {
  const parsed = EscalationPolicyConfig.safeParse(config);
  if (!parsed.success) {
    const { message, details } = describeZodError('escalation policy config', config, parsed.error);
    throw new InvalidConfigError(message, details);
  }
  const { levels, rules } = parsed.data;
  const indexOf = new Map(levels.map((level, index) => [level.name, index]));
  return markBuilt({
    levels: Object.freeze(levels.map((level) => Object.freeze(level))),
    ruleMetrics: Object.freeze(rules.map((rule) => rule.metric)),
    decide(signal, facts, currentLevel) {
      const rule = rules.find(
        (r) =>
          r.on === signal.on &&
          matchesCondition(r.when, facts) &&
          (r.metric === undefined || ('metric' in signal && signal.metric === r.metric)) &&
          (r.count === undefined || (signal.on === 'reopened' && signal.count >= r.count)),
      );
      if (rule === undefined) return null;
      const level =
        rule.escalateTo === undefined
          ? undefined
          : rule.escalateTo === '+1'
            ? Math.min(currentLevel + 1, levels.length - 1)
            : indexOf.get(rule.escalateTo);
      return {
        ...(level === undefined ? {} : { level }),
        ...(rule.routeTo === undefined ? {} : { team: rule.routeTo }),
        trigger: signal.on,
        reason: describeSignal(signal),
      };
    },
  });
}

/**
 * The default escalation path: `agent` → `specialist` → `manager`, climbed by hand (`escalate`)
 * only, with no automatic rules.
 *
 * @example
 * ```ts
 * import { defaultEscalation } from 'serviceflow';
 * defaultEscalation.levels.map((level) => level.name); // ['agent', 'specialist', 'manager']
 * defaultEscalation.decide({ on: 'sla.breached', metric: 'resolution' }, { priority: 'urgent', channel: 'chat' }, 0); // null
 * ```
 */
export const defaultEscalation: EscalationPolicy = escalationPolicy({
  levels: [{ name: 'agent' }, { name: 'specialist' }, { name: 'manager' }],
});
