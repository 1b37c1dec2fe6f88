/**
 * Business-calendar arithmetic: serviceflow's `businessCalendar` against moment-business-time
 * (with moment-timezone) on the same random vectors, side by side in one run.
 *
 * Calendar: America/New_York, Mon–Fri 09:00–17:00, US federal holidays 2026–2027. Vectors:
 * minute-aligned starts uniform over 2026–2027 and durations of 1 minute to 2 weeks (whole minutes,
 * so that moment-business-time can be given the same amount in its 'minutes' unit).
 */
import { createRequire } from 'node:module';
import moment from 'moment-timezone';
import { businessCalendar } from 'serviceflow';
import { compare, keep, measure, prng, report } from './harness.js';

// moment-business-time ships no types: the two methods measured here.
declare module 'moment' {
  interface Moment {
    addWorkingTime(amount: number, unit: string): this;
    workingDiff(other: this, unit: string, precise?: boolean): number;
  }
}

const MINUTE = 60_000;
const ZONE = 'America/New_York';
const HOLIDAYS = [
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-10-12',
  '2026-11-11',
  '2026-11-26',
  '2026-12-25',
  '2027-01-01',
  '2027-01-18',
  '2027-02-15',
  '2027-05-31',
  '2027-06-18',
  '2027-07-05',
  '2027-09-06',
  '2027-10-11',
  '2027-11-11',
  '2027-11-25',
  '2027-12-24',
];
const NINE_TO_FIVE: [string, string][] = [['09:00', '17:00']];

function vectors(count: number, seed: number): { starts: number[]; minutes: number[]; ends: number[] } {
  const random = prng(seed);
  const from = Date.UTC(2026, 0, 1);
  const span = Date.UTC(2028, 0, 1) - from;
  const twoWeeks = 14 * 24 * 60;
  const starts: number[] = [];
  const minutes: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = from + Math.floor((random() * span) / MINUTE) * MINUTE;
    starts.push(start);
    minutes.push(1 + Math.floor(random() * twoWeeks));
    ends.push(start + (1 + Math.floor(random() * twoWeeks)) * MINUTE);
  }
  return { starts, minutes, ends };
}

function setUpMoment(): void {
  // moment-business-time patches the shared `moment` instance that moment-timezone extends.
  createRequire(import.meta.url)('moment-business-time');
  moment.updateLocale('en', {
    workinghours: {
      0: null,
      1: ['09:00:00', '17:00:00'],
      2: ['09:00:00', '17:00:00'],
      3: ['09:00:00', '17:00:00'],
      4: ['09:00:00', '17:00:00'],
      5: ['09:00:00', '17:00:00'],
      6: null,
    },
    holidays: HOLIDAYS,
  } as moment.LocaleSpecification);
}

/** moment-business-time's answer, as epoch ms. */
function momentAdd(start: number, minutes: number): number {
  return moment.tz(start, ZONE).addWorkingTime(minutes, 'minutes').valueOf();
}

function edgeAgreement(calendar: ReturnType<typeof businessCalendar>): {
  vectors: number;
  equal: number;
  disagreeing: number;
  examples: { start: string; minutes: number; ours: string; theirs: string }[];
} {
  const clock = ['08:59', '09:00', '09:01', '12:00', '16:59', '17:00', '17:01', '23:59'];
  const amounts = [1, 59, 60, 480, 479, 481, 960, 2400, 4800];
  let vectors = 0;
  let equal = 0;
  const examples: { start: string; minutes: number; ours: string; theirs: string }[] = [];
  for (const day of ['2026-03-06', '2026-03-09', '2026-10-30', '2026-11-02', '2026-12-24', '2027-07-02']) {
    for (const time of clock) {
      const start = moment.tz(`${day}T${time}`, ZONE).valueOf();
      for (const minutes of [...amounts, (17 * 60 - Number(time.slice(0, 2)) * 60 - Number(time.slice(3))) % 1440]) {
        if (minutes <= 0) continue;
        vectors++;
        const mine = calendar.addBusinessTime(start, minutes * MINUTE);
        const other = momentAdd(start, minutes);
        if (mine === other) equal++;
        else if (examples.length < 5) {
          examples.push({
            start: `${day}T${time}`,
            minutes,
            ours: new Date(mine).toISOString(),
            theirs: new Date(other).toISOString(),
          });
        }
      }
    }
  }
  return { vectors, equal, disagreeing: vectors - equal, examples };
}

export async function run(): Promise<void> {
  setUpMoment();
  const calendar = businessCalendar({
    timezone: ZONE,
    week: { mon: NINE_TO_FIVE, tue: NINE_TO_FIVE, wed: NINE_TO_FIVE, thu: NINE_TO_FIVE, fri: NINE_TO_FIVE },
    holidays: HOLIDAYS,
  });
  const { starts, minutes, ends } = vectors(10_000, 20260301);
  const at = (list: number[], i: number): number => list[i] ?? 0;

  const ours = (i: number): number => calendar.addBusinessTime(at(starts, i), at(minutes, i) * MINUTE);
  const theirs = (i: number): number => momentAdd(at(starts, i), at(minutes, i));

  // Agreement before any timing. moment-business-time needs ~0.3 ms per business day added, so
  // it is checked and timed on the first vectors only.
  const checked = 2_000;
  let equal = 0;
  let equalAfterNormalising = 0;
  const disagreements: { start: string; minutes: number; ours: string; theirs: string }[] = [];
  for (let i = 0; i < checked; i++) {
    const mine = ours(i);
    const other = theirs(i);
    if (mine === other) equal++;
    // At a closing time both answers describe the same moment of the schedule: moment-business-time
    // may report the next opening instead. Count it as agreement when that is the only difference.
    else if (!calendar.isOpen(mine) && calendar.nextOpen(mine) === other) equalAfterNormalising++;
    else if (disagreements.length < 5) {
      disagreements.push({
        start: new Date(at(starts, i)).toISOString(),
        minutes: at(minutes, i),
        ours: new Date(mine).toISOString(),
        theirs: new Date(other).toISOString(),
      });
    }
  }
  const disagreeing = checked - equal - equalAfterNormalising;
  let landingOnClosingTime = 0;
  for (let i = 0; i < checked; i++) if (!calendar.isOpen(ours(i))) landingOnClosingTime++;
  report({
    bench: 'calendar',
    metric: 'addBusinessTime agreement with moment-business-time',
    vectors: checked,
    equal,
    equalAfterNormalisingClosingTime: equalAfterNormalising,
    disagreeing,
    landingOnClosingTime,
    examples: disagreements,
  });

  // Span edges on purpose: starts at, just before and just after opening and closing times, and
  // amounts that run out exactly at a closing time (whole business days, the rest of the day).
  const edge = edgeAgreement(calendar);
  report({ bench: 'calendar', metric: 'addBusinessTime agreement at span edges', ...edge });

  const opsPerRound = 200;
  const add = compare(ours, theirs, { opsPerRound, rounds: 9, warmupRounds: 1 });
  report({
    bench: 'calendar',
    metric: 'addBusinessTime vs moment-business-time',
    serviceflowOpsPerSec: Math.round(add.candidate.opsPerSec),
    momentBusinessTimeOpsPerSec: Math.round(add.baseline.opsPerSec),
    ratio: Number(add.ratio.toFixed(1)),
    opsPerRound,
  });

  const addAlone = measure(ours, { opsPerRound: starts.length, rounds: 25, warmupRounds: 5 });
  report({
    bench: 'calendar',
    metric: 'addBusinessTime',
    opsPerSec: Math.round(addAlone.opsPerSec),
    nsPerOp: Number(addAlone.nsPerOp.toFixed(1)),
    target: '>= 1,000,000 ops/s',
  });

  const between = (i: number): number => calendar.businessTimeBetween(at(starts, i), at(ends, i));
  const betweenAlone = measure(between, { opsPerRound: starts.length, rounds: 25, warmupRounds: 5 });
  report({
    bench: 'calendar',
    metric: 'businessTimeBetween',
    opsPerSec: Math.round(betweenAlone.opsPerSec),
    nsPerOp: Number(betweenAlone.nsPerOp.toFixed(1)),
  });

  // workingDiff agreement and speed, for reference: between in whole minutes on the same vectors.
  const theirsBetween = (i: number): number =>
    moment.tz(at(ends, i), ZONE).workingDiff(moment.tz(at(starts, i), ZONE), 'milliseconds');
  let betweenEqual = 0;
  for (let i = 0; i < checked; i++) if (between(i) === theirsBetween(i)) betweenEqual++;
  const betweenVs = compare(between, theirsBetween, { opsPerRound, rounds: 9, warmupRounds: 1 });
  report({
    bench: 'calendar',
    metric: 'businessTimeBetween vs moment-business-time workingDiff',
    serviceflowOpsPerSec: Math.round(betweenVs.candidate.opsPerSec),
    momentBusinessTimeOpsPerSec: Math.round(betweenVs.baseline.opsPerSec),
    ratio: Number(betweenVs.ratio.toFixed(1)),
    vectors: checked,
    equal: betweenEqual,
  });

  // Date exceptions: the same vectors on the same calendar with 24 special days (a short day or a
  // closed day every month): the open time is precomputed, so queries should cost the same.
  const special: Record<string, [string, string][]> = {};
  for (let month = 1; month <= 12; month++) {
    for (const year of [2026, 2027])
      special[`${year}-${String(month).padStart(2, '0')}-1${month % 2}`] = month % 3 === 0 ? [] : [['09:00', '13:00']];
  }
  const withExceptions = businessCalendar({ ...calendar.config, exceptions: special });
  const exceptionsVs = compare((i) => withExceptions.addBusinessTime(at(starts, i), at(minutes, i) * MINUTE), ours, {
    opsPerRound: starts.length,
    rounds: 15,
    warmupRounds: 3,
  });
  report({
    bench: 'calendar',
    metric: 'addBusinessTime with 24 date exceptions vs without',
    withExceptionsOpsPerSec: Math.round(exceptionsVs.candidate.opsPerSec),
    withoutOpsPerSec: Math.round(exceptionsVs.baseline.opsPerSec),
    // Median of per-round (time with exceptions / time without): 1 means no cost.
    relativeCost: Number((1 / exceptionsVs.ratio).toFixed(2)),
  });

  // Business days: n = 1..20 from the same starts, against moment-business-time's
  // addWorkingTime(n, 'days'), which keeps the time of day even when it is closed; serviceflow
  // (like zendesk/biz) moves a closed result on to the next opening. Agreement counts both.
  const days = (i: number): number => 1 + (at(minutes, i) % 20);
  const oursDays = (i: number): number => calendar.addBusinessDays(at(starts, i), days(i));
  const theirsDays = (i: number): number => moment.tz(at(starts, i), ZONE).addWorkingTime(days(i), 'days').valueOf();
  let daysEqual = 0;
  let daysEqualAfterOpening = 0;
  const daysExamples: { start: string; n: number; ours: string; theirs: string }[] = [];
  for (let i = 0; i < checked; i++) {
    const mine = oursDays(i);
    const other = theirsDays(i);
    if (mine === other) daysEqual++;
    else if (!calendar.isOpen(other) && calendar.nextOpen(other) === mine) daysEqualAfterOpening++;
    else if (daysExamples.length < 5) {
      daysExamples.push({
        start: new Date(at(starts, i)).toISOString(),
        n: days(i),
        ours: new Date(mine).toISOString(),
        theirs: new Date(other).toISOString(),
      });
    }
  }
  const daysVs = compare(oursDays, theirsDays, { opsPerRound, rounds: 9, warmupRounds: 1 });
  report({
    bench: 'calendar',
    metric: 'addBusinessDays vs moment-business-time addWorkingTime(n, days)',
    serviceflowOpsPerSec: Math.round(daysVs.candidate.opsPerSec),
    momentBusinessTimeOpsPerSec: Math.round(daysVs.baseline.opsPerSec),
    ratio: Number(daysVs.ratio.toFixed(1)),
    vectors: checked,
    equal: daysEqual,
    equalButClosedThere: daysEqualAfterOpening,
    disagreeing: checked - daysEqual - daysEqualAfterOpening,
    examples: daysExamples,
  });
  const daysAlone = measure(oursDays, { opsPerRound: starts.length, rounds: 15, warmupRounds: 3 });
  report({
    bench: 'calendar',
    metric: 'addBusinessDays (n = 1..20)',
    opsPerSec: Math.round(daysAlone.opsPerSec),
    nsPerOp: Number(daysAlone.nsPerOp.toFixed(1)),
  });
  const daysBetween = measure((i) => calendar.businessDaysBetween(at(starts, i), at(ends, i)), {
    opsPerRound: starts.length,
    rounds: 15,
    warmupRounds: 3,
  });
  report({
    bench: 'calendar',
    metric: 'businessDaysBetween (ranges up to 2 weeks)',
    opsPerSec: Math.round(daysBetween.opsPerSec),
    nsPerOp: Number(daysBetween.nsPerOp.toFixed(1)),
  });

  // The 24x7 fast path: plain addition behind the same interface.
  const always = businessCalendar({ timezone: ZONE });
  const alwaysAdd = measure((i) => always.addBusinessTime(at(starts, i), at(minutes, i) * MINUTE), {
    opsPerRound: starts.length,
    rounds: 25,
    warmupRounds: 5,
  });
  report({ bench: 'calendar', metric: 'addBusinessTime 24x7', opsPerSec: Math.round(alwaysAdd.opsPerSec) });

  // Cold cost: the first query in a year the calendar has not seen yet builds that year's
  // intervals (the zone's offsets are already cached from the runs above).
  const coldRuns: number[] = [];
  for (let year = 2030; year < 2050; year++) {
    const cold = businessCalendar({
      timezone: ZONE,
      week: { mon: NINE_TO_FIVE, tue: NINE_TO_FIVE, wed: NINE_TO_FIVE, thu: NINE_TO_FIVE, fri: NINE_TO_FIVE },
      holidays: [`${year}-12-25`],
    });
    const start = performance.now();
    keep(cold.addBusinessTime(Date.UTC(year, 5, 1), 3_600_000));
    coldRuns.push(performance.now() - start);
  }
  coldRuns.sort((x, y) => x - y);
  report({
    bench: 'calendar',
    metric: 'first query in a new year (cold chunk + zone offsets)',
    medianMs: Number((coldRuns[coldRuns.length >> 1] ?? 0).toFixed(3)),
  });
}
