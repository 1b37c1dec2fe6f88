import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  businessCalendar,
  computeMetrics,
  contactMachine,
  createProcess,
  durationStats,
  escalationPolicy,
  feedbackPolicy,
  formatDuration,
  inquiryMachine,
  parseDuration,
  scoreSentiment,
  ServiceFlowError,
  serviceSetup,
  slaPolicy,
} from 'serviceflow';

/** Runs `call`; whatever it throws must be a ServiceFlowError with a code. */
function onlyTypedErrors(call: () => unknown): void {
  try {
    call();
  } catch (error) {
    if (!(error instanceof ServiceFlowError))
      throw new Error(`untyped ${String((error as Error)?.name)}: ${String((error as Error)?.message)}`, {
        cause: error,
      });
    expect(typeof error.code).toBe('string');
  }
}

function deep(depth: number): unknown {
  let value: unknown = 'x';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Values that break naive code: extremes, NaN, Infinity, NUL, lone surrogates, deep and odd objects. */
const nasty = fc.constantFrom<unknown>(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  -1,
  2 ** 53 - 1,
  2 ** 53,
  8.64e15 + 1,
  1e308,
  Number.MIN_SAFE_INTEGER,
  '',
  'a\u0000b',
  '\ud800',
  'x\udc00',
  'x'.repeat(100_000),
  '2026-02-30',
  '2026-03-02T24:00:00Z',
  new Date(Number.NaN),
  new Date(8.64e15),
  Object.create(null),
  [],
  [[[]]],
  deep(10_000),
  { toString: null, valueOf: null },
  Symbol('junk'),
  10n,
  () => 1,
  new Map(),
);

const junk = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withSparseArray: true,
      withBoxedValues: true,
      maxDepth: 3,
    }),
  },
  { weight: 2, arbitrary: nasty },
);

/** A valid value with one field (at any depth) replaced by junk. */
function withJunkAt(valid: object): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    paths.push(path);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
  };
  walk(valid, []);
  return fc.tuple(fc.constantFrom(...paths.slice(1)), junk).map(([path, value]) => {
    const copy = structuredClone(valid) as Record<string, unknown>;
    let target: Record<string, unknown> = copy;
    for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
    target[path.at(-1) as string] = value;
    return copy;
  });
}

const T0 = Date.parse('2026-03-02T09:00:00Z');
const input = {
  id: 'T-1',
  channel: 'email',
  customer: { id: 'C-1', tier: 'gold' },
  category: 'billing',
  subject: 'Refund',
  at: T0,
} as const;
const events: Record<string, unknown>[] = [
  { type: 'categorize', category: 'billing', priority: 'high', at: T0 + 1 },
  { type: 'assign', agentId: 'ana', team: 'desk', at: T0 + 1 },
  { type: 'escalate', reason: 'VIP', at: T0 + 1 },
  { type: 'resolve', resolution: 'refunded', at: T0 + 1 },
  { type: 'feedback', kind: 'csat', score: 5, comment: 'thanks', at: T0 + 1 },
  { type: 'pend', reason: 'customer', at: T0 + 1 },
  { type: 'contact.completed', contactId: 'K-1', channel: 'phone', handleMs: 1000, resolved: true, at: T0 + 1 },
  { type: 'tick', at: T0 + 1 },
];
const contactInput = {
  id: 'K-1',
  inquiryId: 'T-1',
  channel: 'phone',
  direction: 'inbound',
  customer: { id: 'C-1', name: 'Ann' },
  at: T0,
} as const;
const contactEvents: Record<string, unknown>[] = [
  { type: 'customer.identified', customerId: 'C-1', profile: { segment: 'smb', open: [1, 2] }, at: T0 + 1 },
  { type: 'routed', queue: 'billing', at: T0 + 1 },
  { type: 'agent.connected', agentId: 'ana', at: T0 + 1 },
  { type: 'transfer', to: 'bob', at: T0 + 1 },
  { type: 'wrapup.completed', disposition: 'done', resolved: true, at: T0 + 1 },
];

const inquiries = createProcess(inquiryMachine, {
  sla: slaPolicy({
    calendar: businessCalendar({ timezone: 'Europe/Berlin', week: { mon: [['09:00', '17:00']] } }),
    targets: [{ firstResponse: '1h', resolution: '8h' }],
  }),
});
const contacts = createProcess(contactMachine);
const started = inquiries.start(input);
const stored = JSON.parse(JSON.stringify(started.state)) as Record<string, unknown>;
const contactStarted = contacts.start(contactInput);
const calendars = [
  businessCalendar(),
  businessCalendar({
    timezone: 'America/New_York',
    week: { mon: [['09:00', '17:00']], fri: [['22:00', '02:00']] },
    holidays: ['2026-12-25'],
  }),
];
const view = inquiries.view(started.state);

const runs = { numRuns: Number(process.env.FUZZ_RUNS ?? 300) };

describe('whatever it is given, serviceflow throws only ServiceFlowErrors', () => {
  it('process.start refuses junk inputs with a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(junk, withJunkAt(input)), (value) => onlyTypedErrors(() => inquiries.start(value as never))),
      runs,
    );
    fc.assert(
      fc.property(fc.oneof(junk, withJunkAt(contactInput)), (value) =>
        onlyTypedErrors(() => contacts.start(value as never)),
      ),
      runs,
    );
  });

  it('process.send refuses junk events with a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(junk, ...events.map(withJunkAt)), (event) => {
        onlyTypedErrors(() => inquiries.send(started.state, event as never));
        onlyTypedErrors(() => inquiries.send(stored as never, event as never));
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.oneof(junk, ...contactEvents.map(withJunkAt)), (event) =>
        onlyTypedErrors(() => contacts.send(contactStarted.state, event as never)),
      ),
      runs,
    );
  });

  it('restore, send, view and wakeAt refuse junk states with a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(junk, withJunkAt(stored)), (state) => {
        onlyTypedErrors(() => inquiries.restore(state));
        onlyTypedErrors(() => inquiries.send(state as never, { type: 'tick', at: T0 + 1 }));
        onlyTypedErrors(() => inquiries.view(state as never));
        onlyTypedErrors(() => inquiries.wakeAt(state as never));
      }),
      runs,
    );
  });

  it('process.view refuses junk options, and process.can never throws', () => {
    fc.assert(
      fc.property(junk, junk, (options, event) => {
        onlyTypedErrors(() => inquiries.view(started.state, options as never));
        onlyTypedErrors(() => inquiries.view(started.state, { at: options } as never));
        expect(typeof inquiries.can(started.state, event as never)).toBe('boolean');
        expect(typeof inquiries.can(options as never, events[0] as never)).toBe('boolean');
      }),
      runs,
    );
  });

  it('createProcess and the policy factories refuse junk configs with a typed error', () => {
    fc.assert(
      fc.property(junk, (config) => {
        onlyTypedErrors(() => createProcess(inquiryMachine, config as never));
        onlyTypedErrors(() => createProcess(config as never));
        onlyTypedErrors(() => slaPolicy(config as never));
        onlyTypedErrors(() => slaPolicy({ targets: [{ firstResponse: config }] } as never));
        onlyTypedErrors(() => escalationPolicy(config as never));
        onlyTypedErrors(() => feedbackPolicy(config as never));
        onlyTypedErrors(() => feedbackPolicy({ sendAfter: config } as never));
        onlyTypedErrors(() => businessCalendar(config as never));
        onlyTypedErrors(() => businessCalendar({ holidays: [config] } as never));
        onlyTypedErrors(() => businessCalendar({ week: { mon: [[config, '17:00']] } } as never));
        onlyTypedErrors(() => businessCalendar({ exceptions: config } as never));
        onlyTypedErrors(() => businessCalendar({ exceptions: { '2026-12-24': config } } as never));
      }),
      runs,
    );
  });

  it('a process with junk policies refuses them with a typed error, at creation or at the first step', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sla', 'escalation', 'feedback', 'migrations', 'definition', 'fastPath'),
        junk,
        (name, value) => {
          onlyTypedErrors(() => {
            const process = createProcess(inquiryMachine, { [name]: value } as never);
            let step = process.start(input);
            step = process.send(step.state, events[3] as never);
            process.view(step.state);
          });
        },
      ),
      runs,
    );
    fc.assert(
      fc.property(junk, (options) => onlyTypedErrors(() => serviceSetup(options as never))),
      runs,
    );
  });

  it('calendar arithmetic refuses junk instants and amounts with a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(junk, fc.double()), fc.oneof(junk, fc.double()), (a, b) => {
        for (const calendar of calendars) {
          onlyTypedErrors(() => calendar.addBusinessTime(a as never, b as never));
          onlyTypedErrors(() => calendar.businessTimeBetween(a as never, b as never));
          onlyTypedErrors(() => calendar.isOpen(a as never));
          onlyTypedErrors(() => calendar.nextOpen(a as never));
          // Business days only with junk that is not a number: across the whole range of years
          // they take seconds (a known slowness of the business-day walk, left to its owner).
          if (typeof a !== 'number' || typeof b !== 'number') {
            onlyTypedErrors(() => calendar.addBusinessDays?.(a as never, b as never));
            onlyTypedErrors(() => calendar.businessDaysBetween?.(a as never, b as never));
          }
        }
      }),
      runs,
    );
  });

  it('durations, scores and metrics refuse junk with a typed error', () => {
    fc.assert(
      fc.property(junk, junk, (a, b) => {
        onlyTypedErrors(() => parseDuration(a));
        onlyTypedErrors(() => formatDuration(a as never));
        onlyTypedErrors(() => scoreSentiment(a as never, b as never));
        onlyTypedErrors(() => durationStats(a as never));
        onlyTypedErrors(() => computeMetrics(a as never, b as never));
        onlyTypedErrors(() => computeMetrics([a] as never));
        onlyTypedErrors(() => computeMetrics([view], b as never));
      }),
      runs,
    );
    fc.assert(
      fc.property(withJunkAt(view as never), (bad) => onlyTypedErrors(() => computeMetrics([bad] as never))),
      runs,
    );
  });
});
