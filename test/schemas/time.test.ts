import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Duration, formatDuration, instantRange, parseDuration, Timestamp } from 'serviceflow';

describe('Timestamp', () => {
  it('normalises epoch ms, ISO-8601 strings and Dates to epoch milliseconds', () => {
    const ms = Date.UTC(2026, 2, 2, 9, 0, 0);
    expect(Timestamp.parse(ms)).toBe(ms);
    expect(Timestamp.parse('2026-03-02T09:00:00Z')).toBe(ms);
    expect(Timestamp.parse('2026-03-02T09:00:00.000Z')).toBe(ms);
    expect(Timestamp.parse('2026-03-02T04:00:00-05:00')).toBe(ms);
    expect(Timestamp.parse(new Date(ms))).toBe(ms);
  });

  it('reads an ISO string without an offset as UTC, whatever the machine time zone', () => {
    expect(Timestamp.parse('2026-03-02T09:00:00')).toBe(Date.UTC(2026, 2, 2, 9));
    expect(Timestamp.parse('2026-03-02')).toBe(Date.UTC(2026, 2, 2));
  });

  it('reads the years 0001-0999 as those years, not 19xx, and instants before 1970 as negative epoch ms', () => {
    expect(Timestamp.parse('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000);
    expect(Timestamp.parse('0001-01-01')).toBe(instantRange.min);
    expect(Timestamp.parse('0099-12-31T23:59:59.999Z')).toBe(new Date('0099-12-31T23:59:59.999Z').getTime());
    expect(Timestamp.parse('0004-02-29')).toBe(Date.parse('0004-02-29T00:00:00Z'));
    expect(Timestamp.parse('1969-07-20T20:17:00Z')).toBe(-14_182_980_000);
    expect(Timestamp.parse('0000-12-31T23:30:00-01:00')).toBe(instantRange.min + 30 * 60_000);
    expect(Timestamp.parse(instantRange.min)).toBe(instantRange.min);
    expect(Timestamp.parse(new Date(instantRange.min))).toBe(instantRange.min);
  });

  it('reads an expanded year, and refuses one outside the range naming the range', () => {
    expect(Timestamp.parse('+002026-03-02T09:00:00Z')).toBe(Date.UTC(2026, 2, 2, 9));
    for (const text of ['+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '0000-12-31T23:59:59.999Z']) {
      const parsed = Timestamp.safeParse(text);
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/0001-01-01T00:00:00\.000Z to 9999-12-31T23:59:59\.999Z/);
    }
    expect(Timestamp.safeParse('-000000-01-01T00:00:00Z').success).toBe(false);
  });

  it.each([
    [-62_135_596_800_001],
    [1.5],
    [Number.NaN],
    [253_402_300_800_000],
    [2 ** 53 - 1],
    ['next tuesday'],
    ['2026-13-01T00:00:00Z'],
    ['2026-02-30'],
    ['2027-02-29T00:00:00Z'],
    ['2026-03-02T24:00:00Z'],
    ['10000-01-01T00:00:00Z'],
    [new Date(Number.NaN)],
    [new Date(8.64e15)],
    [null],
    [{}],
  ])('rejects %p', (value) => {
    expect(Timestamp.safeParse(value).success).toBe(false);
  });

  it('round-trips any instant through its ISO form', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: instantRange.min, max: instantRange.max }),
        (ms) => Timestamp.parse(new Date(ms).toISOString()) === ms,
      ),
    );
  });

  it('reads every real ISO date-time as Date.parse does, and refuses exactly the impossible ones', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        (year, month, day, hour) => {
          const text = `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hour)}:30:00Z`;
          const real = new Date(0);
          real.setUTCFullYear(year, month - 1, day);
          real.setUTCHours(hour, 30);
          const exists = real.getUTCMonth() === month - 1 && real.getUTCDate() === day && hour < 24;
          const parsed = Timestamp.safeParse(text);
          expect(parsed.success).toBe(exists);
          if (exists) expect(parsed.data).toBe(Date.parse(text));
        },
      ),
    );
  });
});

describe('Duration', () => {
  it.each([
    [90_000, 90_000],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['4h', 14_400_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    [' 15m ', 900_000],
    ['1h30m', 5_400_000],
    ['1h 30m', 5_400_000],
    ['2d12h', 216_000_000],
    ['1d 4h 30m 15s 250ms', 102_615_250],
    ['1m 30ms', 60_030],
    [253_402_300_799_999 + 62_135_596_800_000, 253_402_300_799_999 + 62_135_596_800_000],
  ])('parses %p as %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(Duration.parse(text)).toBe(ms);
  });

  it.each([
    ['1y'],
    ['2 weeks'],
    ['-5m'],
    ['m'],
    [-1],
    [Number.POSITIVE_INFINITY],
    [null],
    [''],
    ['5'],
    ['30m 1h'],
    ['1h 1h'],
    ['1h,30m'],
    ['1h -30m'],
    [`${'9'.repeat(400)}d`],
    // Longer than the span of instants (0001-01-01 to 9999-12-31): it could only fail later.
    [1e300],
    ['4000000d'],
    [253_402_300_799_999 + 62_135_596_800_000 + 1],
  ])('rejects %p', (value) => {
    expect(parseDuration(value)).toBeUndefined();
    expect(Duration.safeParse(value).success).toBe(false);
  });

  const units = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
    ['ms', 1],
  ] as const;

  it('reads a compound duration as the sum of its parts, largest unit first, with or without spaces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.nat({ max: 10_000 }), { nil: undefined }), { minLength: 5, maxLength: 5 }),
        fc.constantFrom('', ' ', '  '),
        (amounts, gap) => {
          const parts = units.flatMap(([unit, size], i) =>
            amounts[i] === undefined ? [] : [{ text: `${amounts[i]}${unit}`, ms: amounts[i]! * size }],
          );
          fc.pre(parts.length > 0);
          expect(parseDuration(parts.map((part) => part.text).join(gap))).toBe(
            parts.reduce((sum, part) => sum + part.ms, 0),
          );
        },
      ),
    );
  });

  it('reads back what formatDuration writes (two largest units, the rest truncated)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 400 * 86_400_000 }), (ms) => {
        const text = formatDuration(ms);
        const back = parseDuration(text);
        expect(back).toBeDefined();
        expect(back!).toBeLessThanOrEqual(ms);
        expect(formatDuration(back!)).toBe(text);
      }),
    );
  });

  it('formats durations for humans', () => {
    expect(formatDuration(5_400_000)).toBe('1h 30m');
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000 + 60_000)).toBe('2d 4h');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(12)).toBe('12ms');
  });
});
