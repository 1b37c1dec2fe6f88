import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  contactMachine,
  createProcess,
  createServiceDesk,
  inquiryMachine,
  instantRange,
  memoryStore,
  serviceSetup,
  textLimits,
  Timestamp,
} from 'serviceflow';
import { thrown } from '../support/errors.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const input = { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: T0 } as const;
const inquiries = createProcess(inquiryMachine);
const started = inquiries.start(input);
const RANGE = /0001-01-01T00:00:00\.000Z to 9999-12-31T23:59:59\.999Z/;

describe('instants are refused at the door outside 0001-01-01..9999-12-31', () => {
  it('refuses at 2^53-1 on start, send and view, naming the range', () => {
    const start = thrown(() => inquiries.start({ ...input, at: 2 ** 53 - 1 }));
    expect(start.code).toBe('INVALID_INPUT');
    expect(start.path).toEqual(['at']);
    expect(start.message).toMatch(RANGE);
    const send = thrown(() => inquiries.send(started.state, { type: 'tick', at: 2 ** 53 - 1 }));
    expect(send.code).toBe('INVALID_EVENT');
    expect(send.message).toMatch(RANGE);
    const view = thrown(() => inquiries.view(started.state, { at: 2 ** 53 - 1 }));
    expect(view.code).toBe('INVALID_INPUT');
    expect(view.message).toMatch(RANGE);
  });

  it('refuses instants past what Date can hold, as numbers and as Dates, typed', () => {
    for (const at of [8.64e15, 8.64e15 + 1, new Date(8.64e15), '+275760-09-13T00:00:00Z']) {
      expect(thrown(() => inquiries.send(started.state, { type: 'tick', at } as never)).code).toBe('INVALID_EVENT');
    }
  });

  it('accepts both ends of the range and refuses one millisecond beyond each', () => {
    expect(instantRange).toEqual({
      min: Date.parse('0001-01-01T00:00:00Z'),
      max: Date.parse('9999-12-31T23:59:59.999Z'),
    });
    expect(inquiries.start({ ...input, at: instantRange.min }).state.context.receivedAt).toBe(-62_135_596_800_000);
    expect(inquiries.start({ ...input, at: '0001-01-01T00:00:00Z' }).state.context.receivedAt).toBe(instantRange.min);
    expect(inquiries.start({ ...input, at: '9999-12-31T23:59:59.999Z' }).state.context.receivedAt).toBe(
      instantRange.max,
    );
    for (const at of [
      instantRange.min - 1,
      instantRange.max + 1,
      '0000-12-31T23:59:59.999Z',
      '+010000-01-01T00:00:00Z',
    ]) {
      const error = thrown(() => inquiries.start({ ...input, at }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(RANGE);
    }
  });

  it('refuses an event or a view one millisecond outside either end, naming the range', () => {
    const early = inquiries.start({ ...input, at: instantRange.min });
    for (const at of [instantRange.min - 1, instantRange.max + 1, new Date(instantRange.min - 1)]) {
      const send = thrown(() => inquiries.send(early.state, { type: 'tick', at }));
      expect(send.code).toBe('INVALID_EVENT');
      expect(send.message).toMatch(RANGE);
      const view = thrown(() => inquiries.view(early.state, { at }));
      expect(view.code).toBe('INVALID_INPUT');
      expect(view.message).toMatch(RANGE);
    }
  });
});

describe('impossible calendar dates are refused, never rolled over', () => {
  it.each([
    ['2026-02-30', /2026-02 has no day 30/],
    ['2027-02-29', /2027-02 has no day 29/],
    ['2026-02-30T09:00:00Z', /has no day 30/],
    ['2026-13-01', /no month 13/],
    ['2026-00-10T00:00:00Z', /no month 00/],
    ['2026-04-31T12:00:00+02:00', /has no day 31/],
    ['2026-03-02T24:00:00Z', /hours run from 00 to 23/],
    ['2026-03-02T23:60:00Z', /minutes and seconds/],
    ['2026-03-02T23:59:60Z', /minutes and seconds/],
    ['2026-03-02T09:00:00+24:00', /UTC offset/],
  ])('refuses %s', (at, message) => {
    const error = thrown(() => inquiries.send(started.state, { type: 'tick', at }));
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.message).toMatch(message);
  });

  it('still reads real dates: leap days, the last millisecond of a day, offsets', () => {
    expect(Timestamp.parse('2028-02-29')).toBe(Date.UTC(2028, 1, 29));
    expect(Timestamp.parse('2000-02-29T12:00:00Z')).toBe(Date.UTC(2000, 1, 29, 12));
    expect(Timestamp.parse('2026-03-02T23:59:59.999Z')).toBe(Date.UTC(2026, 2, 2, 23, 59, 59, 999));
    expect(Timestamp.parse('2026-03-02T10:00:00+0100')).toBe(T0);
  });
});

describe('free text has a documented maximum length', () => {
  const tenMegabytes = 'x'.repeat(10 * 1024 * 1024);

  it('refuses a 10 MB category, tier, resolution or reason', () => {
    expect(thrown(() => inquiries.start({ ...input, category: tenMegabytes })).code).toBe('INVALID_INPUT');
    expect(thrown(() => inquiries.start({ ...input, customer: { id: 'C-1', tier: tenMegabytes } })).code).toBe(
      'INVALID_INPUT',
    );
    for (const event of [
      { type: 'categorize', category: tenMegabytes },
      { type: 'resolve', resolution: tenMegabytes },
      { type: 'escalate', reason: tenMegabytes },
      { type: 'cancel', reason: tenMegabytes },
      { type: 'assign', team: tenMegabytes },
    ]) {
      const error = thrown(() => inquiries.send(started.state, { ...event, at: T0 + 1 } as never));
      expect(error.code).toBe('INVALID_EVENT');
      expect(error.message).toMatch(/must be at most \d+ characters/);
    }
  });

  it('accepts text up to each limit and refuses one character more', () => {
    const at = T0 + 1;
    expect(() =>
      inquiries.send(started.state, { type: 'categorize', category: 'c'.repeat(textLimits.label), at }),
    ).not.toThrow();
    expect(
      thrown(() =>
        inquiries.send(started.state, { type: 'categorize', category: 'c'.repeat(textLimits.label + 1), at }),
      ).path,
    ).toEqual(['category']);
    expect(() =>
      inquiries.send(started.state, { type: 'escalate', reason: 'r'.repeat(textLimits.note), at }),
    ).not.toThrow();
    expect(
      thrown(() => inquiries.send(started.state, { type: 'escalate', reason: 'r'.repeat(textLimits.note + 1), at }))
        .path,
    ).toEqual(['reason']);
    expect(thrown(() => inquiries.start({ ...input, id: 'i'.repeat(textLimits.id + 1) })).path).toEqual(['id']);
  });
});

describe('NUL characters and lone surrogates are refused by the process itself', () => {
  it('refuses a NUL in a reason as INVALID_EVENT, leaving the state as it was', () => {
    const before = JSON.stringify(started.state);
    const error = thrown(() =>
      inquiries.send(started.state, { type: 'escalate', reason: 'angry\u0000customer', at: T0 + 1 }),
    );
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.path).toEqual(['reason']);
    expect(error.message).toMatch(/NUL/);
    expect(JSON.stringify(started.state)).toBe(before);
  });

  it('refuses a lone surrogate in a comment, and keeps emoji (paired surrogates)', () => {
    let step = inquiries.send(started.state, { type: 'resolve', at: T0 + 1 });
    const error = thrown(() =>
      inquiries.send(step.state, { type: 'feedback', kind: 'csat', score: 5, comment: 'great \ud83d', at: T0 + 2 }),
    );
    expect(error.code).toBe('INVALID_EVENT');
    expect(error.path).toEqual(['comment']);
    step = inquiries.send(step.state, {
      type: 'feedback',
      kind: 'csat',
      score: 5,
      comment: 'great \ud83d\ude00',
      at: T0 + 2,
    });
    expect(step.effects.some((effect) => effect.type === 'feedback.received')).toBe(true);
  });

  it('refuses them in ids, labels and the start input', () => {
    expect(thrown(() => inquiries.start({ ...input, id: 'T-\u0000' })).code).toBe('INVALID_INPUT');
    expect(thrown(() => inquiries.start({ ...input, subject: '\udc00 refund' })).path).toEqual(['subject']);
    expect(thrown(() => inquiries.send(started.state, { type: 'assign', agentId: 'ana\u0000', at: T0 + 1 })).code).toBe(
      'INVALID_EVENT',
    );
  });

  it('refuses them, and oversized or over-deep JSON, in a contact profile', () => {
    const contacts = createProcess(contactMachine);
    const contact = contacts.start({
      id: 'K-1',
      channel: 'phone',
      direction: 'inbound',
      customer: { id: 'C-1' },
      at: T0,
    });
    const identify = (profile: unknown) => () =>
      contacts.send(contact.state, {
        type: 'customer.identified',
        customerId: 'C-1',
        profile: profile as never,
        at: T0 + 1,
      });
    expect(thrown(identify({ notes: ['ok', 'bad\u0000'] })).path).toEqual(['profile', 'notes', 1]);
    expect(thrown(identify({ ['key\ud800']: 1 })).code).toBe('INVALID_EVENT');
    expect(thrown(identify({ blob: 'x'.repeat(textLimits.profile) })).message).toMatch(/at most 65536 characters/);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(thrown(identify({ deep })).message).toMatch(/deeper than 32/);
    expect(thrown(identify({ when: new Date(T0) })).message).toMatch(/must be JSON/);
  });

  it('keeps its own copy of a contact profile', () => {
    const contacts = createProcess(contactMachine);
    const contact = contacts.start({
      id: 'K-1',
      channel: 'phone',
      direction: 'inbound',
      customer: { id: 'C-1' },
      at: T0,
    });
    const profile = { segment: 'smb' };
    const step = contacts.send(contact.state, { type: 'customer.identified', customerId: 'C-1', profile, at: T0 + 1 });
    profile.segment = 'changed';
    expect(contacts.view(step.state).customer.profile).toEqual({ segment: 'smb' });
  });

  it("refuses them, and text past textLimits.text, in a custom machine's own events", () => {
    const returns = serviceSetup({
      events: { approve: { approver: z.string(), notes: z.array(z.string()).optional() } },
    });
    const machine = returns.createMachine({
      id: 'returns',
      context: returns.context,
      entry: 'receive',
      on: returns.on,
      initial: 'requested',
      states: {
        requested: {
          entry: { type: 'enterStage', params: { stage: 'requested' } },
          on: { approve: { target: 'done', actions: 'resolve' } },
        },
        done: { type: 'final', entry: { type: 'enterStage', params: { stage: 'done' } } },
      },
    });
    const process = createProcess(machine);
    const step = process.start(input);
    expect(thrown(() => process.send(step.state, { type: 'approve', approver: 'ana\u0000', at: T0 + 1 })).path).toEqual(
      ['approver'],
    );
    expect(
      thrown(() => process.send(step.state, { type: 'approve', approver: 'ana', notes: ['\udfff'], at: T0 + 1 })).path,
    ).toEqual(['notes', 0]);
    expect(
      thrown(() => process.send(step.state, { type: 'approve', approver: 'a'.repeat(textLimits.text + 1), at: T0 + 1 }))
        .code,
    ).toBe('INVALID_EVENT');
    expect(() => process.send(step.state, { type: 'approve', approver: 'ana', at: T0 + 1 })).not.toThrow();
  });

  it('reaches the desk caller as INVALID_EVENT from the process, not as a store refusal', async () => {
    const desk = createServiceDesk({ process: inquiries, store: memoryStore() });
    await desk.open(input);
    await expect(desk.send('T-1', { type: 'escalate', reason: 'x\u0000', at: T0 + 1 })).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      path: ['reason'],
    });
    await expect(desk.open({ ...input, id: 'T-2', category: '\ud800' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: ['category'],
    });
    await desk.close?.();
  });
});
