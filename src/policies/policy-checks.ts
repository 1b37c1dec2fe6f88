/**
 * The checks a policy object written by hand gets when a process is created: the same bounds the
 * factories (`slaPolicy`, `escalationPolicy`, `feedbackPolicy`) put on their config, applied to the
 * values the steps read. A policy the factories built is not checked again (see built-policies.ts).
 */
import * as z from 'zod/mini';
import { abbreviate, describeZodError, InvalidConfigError } from '../errors.js';
import { FeedbackKind, PendingReason } from '../schemas/inquiry.js';
import { isBuilt } from './built-policies.js';
import { isInstant } from '../schemas/time.js';
import { EscalationLevel } from './escalation.js';

/** The policies a process runs with, by option name. */
type PolicyName = 'sla' | 'escalation' | 'feedback';

const isFunction = (value: unknown): boolean => typeof value === 'function';
const aFunction = (what: string) => z.custom<unknown>(isFunction, { error: `must be a function (${what})` });

/** Instants are whole milliseconds, so every duration a step adds to one is too. */
const WholeMs = z
  .number({ error: 'must be a whole number of milliseconds (a finite number)' })
  .check(z.int('must be a whole number of milliseconds'), z.gte(0, 'must be 0 or more milliseconds'));
const PositiveMs = WholeMs.check(z.gte(1, 'must be longer than zero'));

const FeedbackShape = z
  .looseObject({
    survey: z.union([FeedbackKind, z.literal(false)], { error: "must be 'csat', 'nps', 'ces' or false (no survey)" }),
    surveyFor: z.optional(aFunction('(facts) => a survey kind or false')),
    sendAfter: WholeMs,
    reminders: z.looseObject(
      {
        count: z
          .number({ error: 'must be a whole number of reminders (a finite number)' })
          .check(z.int('must be a whole number'), z.gte(0, 'must be 0 or more'), z.lte(100, 'must be at most 100')),
        every: PositiveMs,
      },
      { error: 'must be an object { count, every }' },
    ),
    expireAfter: PositiveMs,
    reopenWindow: WholeMs,
    autoCloseAfter: WholeMs,
    onNegative: z.array(z.enum(['reopen', 'escalate']), { error: "must be a list of 'reopen' and 'escalate'" }),
    sentiment: aFunction('(kind, score) => a sentiment'),
  })
  .check(
    z.superRefine((policy, ctx) => {
      const { count, every } = policy.reminders;
      if (count > 0 && every >= policy.expireAfter) {
        ctx.addIssue({
          code: 'custom',
          path: ['reminders', 'every'],
          message: 'must be shorter than expireAfter, or no reminder would ever be sent',
        });
      }
    }),
  );

const Fraction = z
  .number({ error: 'must be a number' })
  .check(
    z.gt(0, 'a warning fraction must be greater than 0'),
    z.lt(1, 'a warning fraction must be less than 1 (1 is the breach itself)'),
  );

const SlaShape = z.looseObject({
  calendar: z.custom<unknown>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      isFunction((value as Record<string, unknown>).addBusinessTime) &&
      isFunction((value as Record<string, unknown>).businessTimeBetween),
    {
      error:
        'must be a business calendar (businessCalendar() or an object with addBusinessTime and businessTimeBetween)',
    },
  ),
  targetsFor: aFunction('(facts) => the targets'),
  warnAt: z.array(Fraction, { error: 'must be a list of warning fractions' }).check(
    z.superRefine((fractions, ctx) => {
      fractions.forEach((fraction, index) => {
        const previous = fractions[index - 1];
        if (previous !== undefined && fraction <= previous)
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: 'warning fractions must be in ascending order, each once',
          });
      });
    }),
  ),
  pauseOn: z.array(PendingReason, { error: "must be a list of 'customer' and 'third-party'" }),
  onPriorityChange: z.enum(['recalculate', 'keep'], { error: "must be 'recalculate' or 'keep'" }),
});

const EscalationShape = z.looseObject({
  levels: z
    .array(z.looseObject(EscalationLevel.shape), { error: 'must be a list of levels { name, notify?, team? }' })
    .check(
      z.minLength(1, 'an escalation path needs at least one level'),
      z.superRefine((levels, ctx) => {
        const names = new Set<string>();
        levels.forEach((level, index) => {
          if (names.has(level.name))
            ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate level name '${level.name}'` });
          names.add(level.name);
        });
      }),
    ),
  decide: aFunction('(signal, facts, currentLevel) => a decision or null'),
  ruleMetrics: z.optional(
    z.array(z.union([z.string(), z.undefined()]), { error: 'must be a list of metric names (or undefined)' }),
  ),
});

const shapes: Readonly<Record<PolicyName, z.core.$ZodType>> = {
  sla: SlaShape,
  escalation: EscalationShape,
  feedback: FeedbackShape,
};

/**
 * Checks a policy written by hand against the bounds its factory puts on config. Throws
 * `InvalidConfigError` (code `INVALID_CONFIG`) with the path from the policy's name, e.g.
 * `['feedback', 'reminders', 'every']`.
 */
export function checkPolicy(name: PolicyName, policy: unknown): void {
  if (isBuilt(policy)) return;
  if (typeof policy !== 'object' || policy === null) {
    throw new InvalidConfigError(
      `Invalid ${name} policy: expected an object like ${name}Policy() makes (received ${abbreviate(policy)})`,
      { path: [name], received: policy, expected: `a ${name} policy (see ${name}Policy)` },
    );
  }
  const wrapped = { [name]: policy };
  const parsed = z.object({ [name]: shapes[name] }).safeParse(wrapped);
  if (parsed.success) return;
  const { message, details } = describeZodError(
    `${name} policy (see ${name}Policy for the bounds)`,
    wrapped,
    parsed.error,
  );
  throw new InvalidConfigError(message, details);
}

/** The calendar methods the steps call, and what each must answer. */
interface CalendarMethods {
  addBusinessTime(at: number, ms: number): number;
  businessTimeBetween(a: number, b: number): number;
}

/**
 * A hand-built SLA policy whose calendar's answers are checked where the steps use them: an
 * `addBusinessTime` that is not a whole instant in range at or after its start, or a
 * `businessTimeBetween` that is not whole milliseconds, would put `NaN` or a deadline in the past
 * into a state. Either throws `INVALID_CONFIG` naming the call and what it returned, before the
 * step changes anything. A policy the factories built is returned as it is.
 */
export function withCheckedCalendar<P extends { readonly calendar: CalendarMethods }>(policy: P): P {
  if (isBuilt(policy)) return policy;
  const calendar = policy.calendar;
  const refuse = (call: string, method: string, returned: number, expected: string): never => {
    throw new InvalidConfigError(
      `Invalid sla policy: its calendar's ${call} returned ${String(returned)}; expected ${expected}`,
      { path: ['sla', 'calendar', method], received: returned, expected },
    );
  };
  const checked: CalendarMethods = Object.create(calendar) as CalendarMethods;
  Object.defineProperties(checked, {
    addBusinessTime: {
      value: (at: number, ms: number): number => {
        const result = calendar.addBusinessTime(at, ms);
        if (!isInstant(result) || result < at)
          refuse(
            `addBusinessTime(${at}, ${ms})`,
            'addBusinessTime',
            result,
            `an instant (whole epoch ms in range) at or after ${at}`,
          );
        return result;
      },
    },
    businessTimeBetween: {
      value: (a: number, b: number): number => {
        const result = calendar.businessTimeBetween(a, b);
        if (!Number.isSafeInteger(result) || (b >= a && result < 0) || (b < a && result > 0))
          refuse(
            `businessTimeBetween(${a}, ${b})`,
            'businessTimeBetween',
            result,
            'whole milliseconds, not negative when b >= a, not positive when b < a',
          );
        return result;
      },
    },
  });
  return Object.create(policy, { calendar: { value: checked, enumerable: true } }) as P;
}
