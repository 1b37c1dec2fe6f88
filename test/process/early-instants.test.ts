/**
 * Instants before 1970, down to 0001-01-01T00:00:00.000Z: the process, the desk and its schedulers,
 * and the stores keep them as negative epoch milliseconds and treat them like any other instant.
 */
import fc from 'fast-check';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  businessCalendar,
  createProcess,
  createServiceDesk,
  escalationPolicy,
  feedbackPolicy,
  followUpId,
  inquiryMachine,
  instantRange,
  manualClock,
  memoryStore,
  pollingScheduler,
  slaPolicy,
  timerScheduler,
  Timestamp,
  type InquiryEffect,
  type SnapshotStore,
} from 'serviceflow';
import { migrate, postgresStore } from 'serviceflow/postgres';
import { applyEvents, simulate } from 'serviceflow/testing';
import * as arbitraries from 'serviceflow/testing/arbitraries';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 400 Gregorian years: the calendar repeats, dates and weekdays alike. */
const FOUR_CENTURIES = 146_097 * DAY;

/** Business hours in UTC: the same every 400 years, unlike a zone's DST rules. */
const officeHours = businessCalendar({
  timezone: 'UTC',
  week: {
    mon: [['09:00', '17:00']],
    tue: [['09:00', '17:00']],
    wed: [['09:00', '17:00']],
    thu: [['09:00', '17:00']],
    fri: [['09:00', '12:00']],
  },
});
const processes = {
  defaults: createProcess(inquiryMachine),
  policies: createProcess(inquiryMachine, {
    sla: slaPolicy({
      calendar: officeHours,
      targets: [
        { when: { priority: 'urgent' }, firstResponse: '30m', resolution: '4h' },
        { firstResponse: '2h', nextResponse: '4h', resolution: '2d' },
      ],
      warnAt: [0.5, 0.8],
    }),
    escalation: escalationPolicy({
      levels: [{ name: 'agent' }, { name: 'specialist' }, { name: 'manager' }],
      rules: [
        { on: 'sla.breached', escalateTo: '+1' },
        { on: 'reopened', count: 2, escalateTo: 'manager' },
      ],
    }),
    feedback: feedbackPolicy({
      survey: 'nps',
      sendAfter: '2h',
      reminders: { count: 2, every: '1d' },
      expireAfter: '5d',
      reopenWindow: '3d',
    }),
  }),
};

/**
 * A record with every instant before 1938 moved `shift` later (durations are never negative), and
 * follow-up ids (which name their instant) without that instant.
 */
function shifted(value: unknown, shift: number): unknown {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => {
    if (typeof v === 'number' && v < -1e12) return v + shift;
    return typeof v === 'string' ? v.replace(/~f-?[0-9a-z]+$/, '~f') : v;
  });
}
/** The same, for a record that needs no shift. */
const followUpsUnnamed = (value: unknown): unknown => shifted(value, 0);

describe('instants before 1970', () => {
  it.each(Object.keys(processes) as (keyof typeof processes)[])(
    'give the same record as the same lifecycle 400 or 2000 years later (%s)',
    (name) => {
      const process = processes[name];
      const setting = fc.record({
        centuries: fc.constantFrom(1, 5),
        lifecycle: arbitraries.lifecycle({ maxLength: 20 }),
      });
      fc.assert(
        fc.property(setting, ({ centuries, lifecycle: { input, events } }) => {
          const shift = centuries * FOUR_CENTURIES;
          const now = applyEvents(process, input, events);
          const then = applyEvents(
            process,
            { ...input, at: input.at - shift },
            events.map((event) => ({ ...event, at: Timestamp.parse(event.at) - shift })),
          );
          expect(then.rejected.map(({ error }) => error.code)).toEqual(now.rejected.map(({ error }) => error.code));
          expect(shifted(then.steps, shift)).toEqual(followUpsUnnamed(now.steps));
          const last = then.steps.at(-1);
          if (last !== undefined)
            expect(shifted(process.view(last.state), shift)).toEqual(
              followUpsUnnamed(process.view(now.steps.at(-1)!.state)),
            );
        }),
        { numRuns: 30 },
      );
    },
  );

  it('run from the first millisecond of 0001-01-01 as they do 2000 years later', () => {
    const process = processes.policies;
    const shift = 5 * FOUR_CENTURIES;
    fc.assert(
      fc.property(
        arbitraries.lifecycle({ from: instantRange.min, to: instantRange.min + 30 * DAY, maxLength: 20 }),
        ({ input, events }) => {
          const then = applyEvents(process, input, events);
          const now = applyEvents(
            process,
            { ...input, at: input.at + shift },
            events.map((event) => ({ ...event, at: Timestamp.parse(event.at) + shift })),
          );
          expect(shifted(then.steps, shift)).toEqual(followUpsUnnamed(now.steps));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('name follow-ups by their instant, and a follow-up of a follow-up replaces the suffix', () => {
    const first = followUpId('T-1', Date.parse('1969-07-20T20:17:00Z'));
    expect(first).toBe('T-1~f-6ik6heo');
    expect(followUpId(first, Date.parse('1969-07-21T09:00:00Z'))).toBe(
      `T-1~f${Date.parse('1969-07-21T09:00:00Z').toString(36)}`,
    );
    expect(followUpId(first, instantRange.min)).toMatch(/^T-1~f-[0-9a-z]+$/);
  });

  it('simulate the same desk in 1960 as 2000 years later: agents come on shift before 1970 too', async () => {
    const start = Date.parse('1960-01-04T00:00:00Z');
    const shift = 5 * FOUR_CENTURIES;
    const options = { inquiries: 200, days: 3, seed: 7 };
    const then = await simulate({ ...options, start });
    const now = await simulate({ ...options, start: start + shift });
    expect(then.metrics?.counts.resolved).toBeGreaterThan(0);
    const allShifted = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'number' && v < -1e9 ? v + shift : v));
    expect(allShifted(then.views)).toEqual(followUpsUnnamed(now.views));
    expect(allShifted(then.metrics)).toEqual(JSON.parse(JSON.stringify(now.metrics)));
  });

  it('stamp effects and deadlines with negative epoch ms: an SLA breached on 1969-07-20', () => {
    const process = processes.policies;
    const at = Date.parse('1969-07-18T16:00:00Z'); // a Friday, after the office closed at noon
    const started = process.start({ id: 'T-1969', channel: 'phone', customer: { id: 'C-1' }, at });
    const due = Date.parse('1969-07-21T11:00:00Z'); // two business hours from Monday 09:00
    expect(started.wakeAt).toBe(due - HOUR); // the first warning, at half the target
    const late = process.send(started.state, { type: 'agent.reply', at: '1969-07-21T12:00:00Z' });
    expect(late.effects.map((effect) => [effect.type, effect.at])).toEqual([
      ['sla.warning', due - HOUR],
      ['sla.warning', due - 24 * 60_000],
      ['sla.breached', due],
      ['escalated', due],
      ['sla.met', Date.parse('1969-07-21T12:00:00Z')],
    ]);
    expect(process.view(late.state).sla.firstResponse).toMatchObject({ status: 'breached', dueAt: due });
    expect(JSON.parse(JSON.stringify(late.state))).toStrictEqual(late.state);
  });
});

// One embedded database for the file: PGlite takes seconds to boot.
let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await migrate(db);
}, 120_000);
afterAll(async () => {
  await db.close();
});

describe.each([
  ['memoryStore', 'timerScheduler'],
  ['memoryStore', 'pollingScheduler'],
  ['postgresStore on PGlite', 'timerScheduler'],
  ['postgresStore on PGlite', 'pollingScheduler'],
] as const)('a desk before 1970 (%s, %s)', (storeName, schedulerName) => {
  it('fires each deadline at its own time and journals negative instants', async () => {
    const start = Date.parse('1950-06-01T09:00:00Z');
    const clock = manualClock(start);
    let store: SnapshotStore = memoryStore();
    if (storeName !== 'memoryStore') {
      await db.query('TRUNCATE "serviceflow_snapshots", "serviceflow_journal"');
      store = postgresStore(db);
    }
    const scheduler = schedulerName === 'timerScheduler' ? timerScheduler() : pollingScheduler({ interval: 10_000 });
    const process = createProcess(inquiryMachine, {
      sla: slaPolicy({ targets: [{ firstResponse: '1m', resolution: '5m' }], warnAt: [] }),
    });
    const desk = createServiceDesk({ process, store, scheduler, clock });
    const seen: [string, number][] = [];
    desk.on('effect', (effect: InquiryEffect) => void seen.push([effect.type, effect.at]));
    try {
      const opened = await desk.open({ id: 'T-1950', channel: 'email', customer: { id: 'C-1' }, at: start });
      expect(opened.wakeAt).toBe(start + MINUTE);
      await clock.advance(6 * MINUTE);
      expect(seen.filter(([type]) => type === 'sla.breached')).toEqual([
        ['sla.breached', start + MINUTE],
        ['sla.breached', start + 5 * MINUTE],
      ]);
      const inquiry = await desk.get('T-1950');
      expect(inquiry?.view.sla.resolution).toMatchObject({ status: 'breached', breachedAt: start + 5 * MINUTE });
      expect(inquiry?.wakeAt).toBeNull();
      const journal = await store.journal('T-1950');
      expect(journal.every((entry) => entry.at < 0)).toBe(true);
    } finally {
      await desk.close();
    }
  });
});
