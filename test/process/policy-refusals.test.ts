// Policies are checked when a process is created, and a step that a policy cannot finish is refused
// typed: bad policies never hang a step or corrupt a state.
import { describe, expect, it } from 'vitest';
import {
  alwaysOpenCalendar,
  createProcess,
  escalationPolicy,
  feedbackPolicy,
  inquiryMachine,
  resolvePolicies,
  scoreSentiment,
  slaPolicy,
  type FeedbackPolicy,
  type SlaPolicy,
} from 'serviceflow';
import { thrown } from '../support/errors.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const input = { id: 'T-1', channel: 'email', customer: { id: 'C-1' }, at: T0 } as const;

describe('a step whose deadlines do not settle', () => {
  // More warnings than one step fires (each at its own instant) before a late tick.
  const warnAt = Array.from({ length: 100_001 }, (_, i) => (i + 1) / 100_002);
  const sla = slaPolicy({ targets: [{ firstResponse: '1d' }], warnAt });

  it.each([true, false])(
    'is refused as INCOMPATIBLE_STATE saying what was wrong and what was expected, leaving the state usable (fastPath %s)',
    (fastPath) => {
      const process = createProcess(inquiryMachine, { sla, fastPath });
      const { state } = process.start(input);
      const error = thrown(() => process.send(state, { type: 'tick', at: T0 + 48 * HOUR }));
      expect(error.code).toBe('INCOMPATIBLE_STATE');
      expect(error.message).toContain("inquiry 'T-1'");
      expect(error.message).toContain('2026-03-04T09:00:00.000Z');
      expect(error.expected).toMatch(/at most 100000 deadlines/);
      // Nothing half-applied: the state answers the next event as before.
      expect(
        process.view(process.send(state, { type: 'agent.reply', at: T0 + HOUR }).state).sla.firstResponse?.status,
      ).toBe('met');
    },
  );
});

describe('policy objects written by hand are checked when the process is created', () => {
  const feedback = feedbackPolicy({ reminders: { count: 2, every: '1d' } });
  const sla = slaPolicy({ targets: [{ firstResponse: '4h' }] });
  const escalation = escalationPolicy({ levels: [{ name: 'agent' }, { name: 'lead' }] });
  const refusal = (options: object) => thrown(() => createProcess(inquiryMachine, options));

  it('refuses reminders that would never end (count 1e9 every 0) as INVALID_CONFIG naming each field', () => {
    const error = refusal({ feedback: { ...feedback, reminders: { count: 1e9, every: 0 } } });
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ['feedback', 'reminders', 'count'],
      ['feedback', 'reminders', 'every'],
    ]);
    expect(error.message).toContain('feedback.reminders.count: must be at most 100 (received 1000000000)');
    expect(error.message).toContain('feedback.reminders.every: must be longer than zero (received 0)');
  });

  it.each([
    [['feedback', 'sendAfter'], { feedback: { ...feedback, sendAfter: Number.NaN } }, /a whole number/],
    [['feedback', 'sendAfter'], { feedback: { ...feedback, sendAfter: -1 } }, /0 or more/],
    [['feedback', 'expireAfter'], { feedback: { ...feedback, expireAfter: 0.5 } }, /whole number/],
    [['feedback', 'autoCloseAfter'], { feedback: { ...feedback, autoCloseAfter: Infinity } }, /whole number/],
    [['feedback', 'reopenWindow'], { feedback: { ...feedback, reopenWindow: '7d' } }, /milliseconds/],
    [
      ['feedback', 'reminders', 'every'],
      { feedback: { ...feedback, reminders: { count: 2, every: 8 * DAY } } },
      /shorter than expireAfter/,
    ],
    [
      ['feedback', 'reminders', 'count'],
      { feedback: { ...feedback, reminders: { count: -1, every: DAY } } },
      /0 or more/,
    ],
    [['feedback', 'onNegative', 0], { feedback: { ...feedback, onNegative: ['none'] } }, /./],
    [['feedback', 'survey'], { feedback: { ...feedback, survey: 'stars' } }, /'csat', 'nps', 'ces' or false/],
    [['feedback', 'sentiment'], { feedback: { ...feedback, sentiment: undefined } }, /function/],
    [['feedback'], { feedback: 42 }, /an object like feedbackPolicy\(\) makes/],
    [['sla', 'warnAt', 1], { sla: { ...sla, warnAt: [0.9, 0.5] } }, /ascending/],
    [['sla', 'warnAt', 0], { sla: { ...sla, warnAt: [1.5] } }, /less than 1/],
    [['sla', 'warnAt', 0], { sla: { ...sla, warnAt: [Number.NaN] } }, /./],
    [['sla', 'pauseOn', 0], { sla: { ...sla, pauseOn: ['lunch'] } }, /./],
    [['sla', 'onPriorityChange'], { sla: { ...sla, onPriorityChange: 'ignore' } }, /'recalculate' or 'keep'/],
    [['sla', 'calendar'], { sla: { ...sla, calendar: {} } }, /business calendar/],
    [['sla', 'targetsFor'], { sla: { ...sla, targetsFor: undefined } }, /function/],
    [['escalation', 'levels'], { escalation: { ...escalation, levels: [] } }, /at least one level/],
    [
      ['escalation', 'levels', 1, 'name'],
      { escalation: { ...escalation, levels: [{ name: 'a' }, { name: 'a' }] } },
      /duplicate/,
    ],
    [['escalation', 'levels', 0, 'name'], { escalation: { ...escalation, levels: [{ name: '' }] } }, /needs a name/],
    [['escalation', 'decide'], { escalation: { ...escalation, decide: 'up' } }, /function/],
  ] as const)('refuses a bad field at %j', (path, options, expected) => {
    const error = refusal(options);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.path).toEqual(path);
    expect(error.message).toMatch(expected);
  });

  it('accepts well-formed policies written by hand, and the factories', () => {
    const contractSla: SlaPolicy = {
      calendar: alwaysOpenCalendar,
      warnAt: [0.5, 0.8],
      pauseOn: ['customer'],
      onPriorityChange: 'recalculate',
      targetsFor: () => ({ firstResponse: 4 * HOUR }),
    };
    const ownFeedback: FeedbackPolicy = {
      survey: 'nps',
      sendAfter: HOUR,
      reminders: { count: 0, every: DAY },
      expireAfter: 7 * DAY,
      reopenWindow: 3 * DAY,
      autoCloseAfter: 3 * DAY,
      onNegative: ['reopen'],
      sentiment: scoreSentiment,
    };
    const process = createProcess(inquiryMachine, {
      sla: contractSla,
      feedback: ownFeedback,
      escalation: { ...escalation, levels: [...escalation.levels] },
    });
    expect(process.start(input).wakeAt).toBe(T0 + 2 * HOUR);
    expect(() => createProcess(inquiryMachine, { sla, escalation, feedback })).not.toThrow();
  });

  it('checks policies passed to resolvePolicies (for custom machines) the same way', () => {
    const error = thrown(() => resolvePolicies({ feedback: { ...feedback, reminders: { count: 1, every: 0 } } }));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.path).toEqual(['feedback', 'reminders', 'every']);
  });

  it("refuses a hand-built calendar's answer that would corrupt a state (NaN, a deadline before its start), unchanged state", () => {
    const contract = (calendar: SlaPolicy['calendar']): SlaPolicy => ({
      calendar,
      warnAt: [],
      pauseOn: [],
      onPriorityChange: 'recalculate',
      targetsFor: () => ({ firstResponse: 4 * HOUR }),
    });
    const broken = {
      nan: { ...alwaysOpenCalendar, addBusinessTime: () => Number.NaN },
      earlier: { ...alwaysOpenCalendar, addBusinessTime: (at: number) => at - 1 },
      fractional: { ...alwaysOpenCalendar, businessTimeBetween: (a: number, b: number) => (b - a) / 7 },
    };
    const nan = thrown(() => createProcess(inquiryMachine, { sla: contract(broken.nan) }).start(input));
    expect(nan.code).toBe('INVALID_CONFIG');
    expect(nan.path).toEqual(['sla', 'calendar', 'addBusinessTime']);
    expect(nan.message).toContain('returned NaN');
    expect(thrown(() => createProcess(inquiryMachine, { sla: contract(broken.earlier) }).start(input)).code).toBe(
      'INVALID_CONFIG',
    );
    const process = createProcess(inquiryMachine, { sla: contract(broken.fractional) });
    const started = process.start(input);
    const before = JSON.stringify(started.state);
    const error = thrown(() => process.send(started.state, { type: 'agent.reply', at: T0 + HOUR }));
    expect(error.path).toEqual(['sla', 'calendar', 'businessTimeBetween']);
    expect(JSON.stringify(started.state)).toBe(before);
    // A well-behaved hand-built calendar works as before, and the policy's other members are its own.
    const fine = createProcess(inquiryMachine, { sla: contract({ ...alwaysOpenCalendar }) });
    expect(fine.start(input).wakeAt).toBe(T0 + 4 * HOUR);
    expect(fine.policies.sla.targetsFor({ priority: 'normal', channel: 'email' })).toEqual({ firstResponse: 4 * HOUR });
  });

  it('keeps the policies the factories build frozen, so that what was checked stays as checked', () => {
    expect(Object.isFrozen(feedback)).toBe(true);
    expect(Object.isFrozen(feedback.reminders)).toBe(true);
    expect(Object.isFrozen(sla.warnAt)).toBe(true);
    expect(Object.isFrozen(escalation.levels[0])).toBe(true);
  });
});
