import { describe, expect, it } from 'vitest';
import {
  escalationPolicy,
  feedbackPolicy,
  ServiceFlowError,
  slaPolicy,
  type EscalatedEffect,
  type EscalationPolicy,
  type EscalationPolicyConfig,
  type InquiryEffect,
  type InquiryEventInit,
  type InquiryInputInit,
} from 'serviceflow';
import { DAY, HOUR, MINUTE, T0, makeInput, makeProcess, runAll, runTo } from '../support/fixtures.js';

/** agent → specialist (the tier-2 team) → manager: the path most tests climb. */
const levels = [
  { name: 'agent' },
  { name: 'specialist', team: 'tier-2', notify: ['tier2-leads@example.com'] },
  { name: 'manager', notify: ['support-manager@example.com', 'pager:support'] },
] as const;

const path = (rules: EscalationPolicyConfig['rules'] = []) => escalationPolicy({ levels: [...levels], rules });

/** An SLA with calendar-time targets and no warnings unless asked for. */
const sla = slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [] });

const escalations = (step: { effects: readonly InquiryEffect[] }): EscalatedEffect[] =>
  step.effects.filter((effect): effect is EscalatedEffect => effect.type === 'escalated');

function configError(config: unknown): ServiceFlowError {
  try {
    escalationPolicy(config as EscalationPolicyConfig);
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceFlowError);
    return error as ServiceFlowError;
  }
  throw new Error('expected escalationPolicy to throw');
}

/** Starts an inquiry (and runs `events`) under an escalation path with `rules`. */
function run(
  rules: EscalationPolicyConfig['rules'],
  input: Partial<InquiryInputInit> = {},
  events: InquiryEventInit[] = [],
  options = {},
) {
  const process = makeProcess({ sla, escalation: path(rules), ...options });
  return { process, steps: runAll(process, makeInput(input), events) };
}

describe('escalationPolicy configuration', () => {
  it.each<[string, unknown, (string | number)[], RegExp]>([
    [
      'an unknown level name in escalateTo',
      { levels: [{ name: 'agent' }], rules: [{ on: 'received', escalateTo: 'boss' }] },
      ['rules', 0, 'escalateTo'],
      /unknown level 'boss'; expected '\+1' or one of 'agent'/,
    ],
    [
      'a metric on a rule that is not about SLA',
      { levels: [{ name: 'agent' }], rules: [{ on: 'reopened', metric: 'resolution', escalateTo: '+1' }] },
      ['rules', 0, 'metric'],
      /metric only applies to sla\.warning and sla\.breached/,
    ],
    [
      'an SLA metric name that is no identifier',
      { levels: [{ name: 'agent' }], rules: [{ on: 'sla.breached', metric: 'handle time', escalateTo: '+1' }] },
      ['rules', 0, 'metric'],
      /identifier/,
    ],
    [
      'a count on a rule that is not about reopens',
      { levels: [{ name: 'agent' }], rules: [{ on: 'sla.breached', count: 2, escalateTo: '+1' }] },
      ['rules', 0, 'count'],
      /count only applies to reopened rules/,
    ],
    [
      'a count below 1',
      { levels: [{ name: 'agent' }], rules: [{ on: 'reopened', count: 0, escalateTo: '+1' }] },
      ['rules', 0, 'count'],
      /at least 1/,
    ],
    [
      'a rule with neither escalateTo nor routeTo',
      { levels: [{ name: 'agent' }], rules: [{ on: 'received' }] },
      ['rules', 0, 'escalateTo'],
      /needs escalateTo .* routeTo/,
    ],
    [
      'an unknown trigger',
      { levels: [{ name: 'agent' }], rules: [{ on: 'sla.missed', escalateTo: '+1' }] },
      ['rules', 0, 'on'],
      /./,
    ],
    [
      'an unknown condition field',
      { levels: [{ name: 'agent' }], rules: [{ on: 'received', when: { weather: 'rain' }, escalateTo: '+1' }] },
      ['rules', 0, 'when'],
      /weather/,
    ],
    [
      'an unknown priority in when',
      { levels: [{ name: 'agent' }], rules: [{ on: 'received', when: { priority: 'asap' }, escalateTo: '+1' }] },
      ['rules', 0, 'when', 'priority'],
      /./,
    ],
    [
      'duplicate level names',
      { levels: [{ name: 'agent' }, { name: 'agent' }] },
      ['levels', 1, 'name'],
      /duplicate level name 'agent'/,
    ],
    ['a blank level name', { levels: [{ name: '  ' }] }, ['levels', 0, 'name'], /a level needs a name/],
    ['no levels', { levels: [] }, ['levels'], /at least one level/],
    ['missing levels', { rules: [] }, ['levels'], /expected array/],
    ['an unknown key at the top', { levels: [{ name: 'agent' }], tiers: [] }, [], /Unrecognized key: "tiers"/],
    [
      'an unknown key in a level',
      { levels: [{ name: 'agent', email: 'a@example.com' }] },
      ['levels', 0],
      /Unrecognized key: "email"/,
    ],
    [
      'an unknown key in a rule',
      { levels: [{ name: 'agent' }], rules: [{ on: 'received', escalateTo: '+1', after: '1h' }] },
      ['rules', 0],
      /Unrecognized key: "after"/,
    ],
  ])('rejects %s with INVALID_CONFIG naming the field', (_label, config, expectedPath, message) => {
    const error = configError(config);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.path).toEqual(expectedPath);
    expect(error.message).toMatch(/^Invalid escalation policy config: /);
    expect(error.message).toMatch(message);
  });

  it('reports every problem of a config at once', () => {
    const error = configError({
      levels: [{ name: 'agent' }, { name: 'agent' }],
      rules: [
        { on: 'received', escalateTo: 'boss' },
        { on: 'received', count: 2, escalateTo: '+1' },
      ],
    });
    expect(error.issues.map((issue) => issue.path)).toEqual([
      ['levels', 1, 'name'],
      ['rules', 0, 'escalateTo'],
      ['rules', 1, 'count'],
    ]);
  });

  it('accepts a path without rules (climbed by hand only)', () => {
    const policy = escalationPolicy({ levels: [{ name: 'agent' }, { name: 'manager' }] });
    expect(policy.levels.map((level) => level.name)).toEqual(['agent', 'manager']);
    expect(policy.decide({ on: 'received' }, { priority: 'urgent', channel: 'phone' }, 0)).toBeNull();
  });

  it('decides with the first matching rule and says why', () => {
    const policy = path([
      { on: 'sla.breached', metric: 'resolution', escalateTo: 'manager' },
      { on: 'sla.breached', escalateTo: '+1' },
    ]);
    const facts = { priority: 'normal', channel: 'email' } as const;
    expect(policy.decide({ on: 'sla.breached', metric: 'resolution' }, facts, 0)).toEqual({
      level: 2,
      trigger: 'sla.breached',
      reason: 'sla.breached:resolution',
    });
    expect(policy.decide({ on: 'sla.breached', metric: 'firstResponse' }, facts, 0)).toEqual({
      level: 1,
      trigger: 'sla.breached',
      reason: 'sla.breached:firstResponse',
    });
    expect(policy.decide({ on: 'reopened', count: 1 }, facts, 0)).toBeNull();
  });
});

describe('received rules', () => {
  it('puts a VIP customer straight on the specialist level at arrival', () => {
    const { steps } = run([{ on: 'received', when: { tier: 'vip' }, escalateTo: 'specialist' }], {
      customer: { id: 'C-1', tier: 'vip' },
    });
    expect(escalations(steps[0]!)).toEqual([
      {
        type: 'escalated',
        inquiryId: 'T-1',
        at: T0,
        level: 1,
        from: 0,
        name: 'specialist',
        trigger: 'received',
        reason: 'received',
        notify: ['tier2-leads@example.com'],
        team: 'tier-2',
      },
    ]);
  });

  it('leaves an inquiry that matches no rule on the first level', () => {
    const { process, steps } = run([{ on: 'received', when: { tier: 'vip' }, escalateTo: 'specialist' }], {
      customer: { id: 'C-1', tier: 'gold' },
    });
    expect(escalations(steps[0]!)).toEqual([]);
    expect(process.view(steps[0]!.state).escalation).toEqual({ level: 0, name: 'agent', history: [] });
  });

  it.each<[string, EscalationPolicyConfig['rules'], Partial<InquiryInputInit>, boolean]>([
    [
      'priority, single value, matching',
      [{ on: 'received', when: { priority: 'urgent' }, escalateTo: '+1' }],
      { priority: 'urgent' },
      true,
    ],
    [
      'priority, single value, not matching',
      [{ on: 'received', when: { priority: 'urgent' }, escalateTo: '+1' }],
      { priority: 'high' },
      false,
    ],
    [
      'priority, list, matching',
      [{ on: 'received', when: { priority: ['high', 'urgent'] }, escalateTo: '+1' }],
      { priority: 'high' },
      true,
    ],
    [
      'priority, list, default priority',
      [{ on: 'received', when: { priority: ['high', 'urgent'] }, escalateTo: '+1' }],
      {},
      false,
    ],
    [
      'channel, single value',
      [{ on: 'received', when: { channel: 'phone' }, escalateTo: '+1' }],
      { channel: 'phone' },
      true,
    ],
    [
      'channel, list',
      [{ on: 'received', when: { channel: ['chat', 'phone'] }, escalateTo: '+1' }],
      { channel: 'email' },
      false,
    ],
    [
      'tier, list',
      [{ on: 'received', when: { tier: ['vip', 'enterprise'] }, escalateTo: '+1' }],
      { customer: { id: 'C-1', tier: 'enterprise' } },
      true,
    ],
    [
      'tier, customer without a tier',
      [{ on: 'received', when: { tier: 'vip' }, escalateTo: '+1' }],
      { customer: { id: 'C-1' } },
      false,
    ],
    [
      'category, single value',
      [{ on: 'received', when: { category: 'security' }, escalateTo: '+1' }],
      { category: 'security' },
      true,
    ],
    [
      'category, list',
      [{ on: 'received', when: { category: ['billing', 'refunds'] }, escalateTo: '+1' }],
      { category: 'refunds' },
      true,
    ],
    ['category, none given yet', [{ on: 'received', when: { category: 'billing' }, escalateTo: '+1' }], {}, false],
    [
      'every field must match',
      [{ on: 'received', when: { priority: 'urgent', channel: 'phone' }, escalateTo: '+1' }],
      { priority: 'urgent', channel: 'email' },
      false,
    ],
    [
      'every field matching',
      [{ on: 'received', when: { priority: 'urgent', channel: ['phone', 'chat'] }, escalateTo: '+1' }],
      { priority: 'urgent', channel: 'chat' },
      true,
    ],
    ['no condition matches everything', [{ on: 'received', escalateTo: '+1' }], {}, true],
  ])('matches when on %s', (_label, rules, input, escalates) => {
    const { steps } = run(rules, input);
    expect(escalations(steps[0]!).length).toBe(escalates ? 1 : 0);
  });

  it('applies only the first matching rule', () => {
    const { steps } = run(
      [
        { on: 'received', when: { tier: 'vip', category: 'billing' }, escalateTo: 'specialist', routeTo: 'billing' },
        { on: 'received', when: { tier: 'vip' }, escalateTo: 'manager' },
      ],
      { customer: { id: 'C-1', tier: 'vip' }, category: 'billing' },
    );
    expect(escalations(steps[0]!)).toMatchObject([{ level: 1, name: 'specialist', team: 'billing' }]);
  });

  it('does not look at received rules again when the category is set later', () => {
    const { steps } = run([{ on: 'received', when: { category: 'billing' }, routeTo: 'billing' }], {}, [
      { type: 'categorize', category: 'billing', at: T0 + MINUTE },
    ]);
    expect(steps.flatMap(escalations)).toEqual([]);
  });
});

describe('SLA rules', () => {
  it('escalates to the manager when the resolution clock breaches', () => {
    const { process, steps } = run([{ on: 'sla.breached', metric: 'resolution', escalateTo: 'manager' }], {}, [
      { type: 'assign', agentId: 'ana', at: T0 + MINUTE },
      { type: 'agent.reply', at: T0 + 10 * MINUTE },
      { type: 'tick', at: T0 + 8 * HOUR },
    ]);
    expect(steps.at(-1)!.effects).toEqual([
      { type: 'sla.breached', inquiryId: 'T-1', at: T0 + 8 * HOUR, metric: 'resolution', dueAt: T0 + 8 * HOUR },
      {
        type: 'escalated',
        inquiryId: 'T-1',
        at: T0 + 8 * HOUR,
        level: 2,
        from: 0,
        name: 'manager',
        trigger: 'sla.breached',
        reason: 'sla.breached:resolution',
        notify: ['support-manager@example.com', 'pager:support'],
      },
    ]);
    expect(process.view(steps.at(-1)!.state).escalation).toMatchObject({ level: 2, name: 'manager' });
  });

  it('ignores breaches of other metrics when the rule names one', () => {
    const { steps } = run([{ on: 'sla.breached', metric: 'resolution', escalateTo: 'manager' }], {}, [
      { type: 'tick', at: T0 + 2 * HOUR },
    ]);
    expect(steps.at(-1)!.effects.map((e) => e.type)).toEqual(['sla.breached']);
  });

  it('reacts to a breach of any metric when the rule names none', () => {
    const { steps } = run([{ on: 'sla.breached', escalateTo: '+1' }], {}, [{ type: 'tick', at: T0 + 8 * HOUR }]);
    expect(escalations(steps.at(-1)!)).toMatchObject([
      { at: T0 + HOUR, level: 1, from: 0, reason: 'sla.breached:firstResponse' },
      { at: T0 + 8 * HOUR, level: 2, from: 1, reason: 'sla.breached:resolution' },
    ]);
  });

  it('escalates on a warning, at the warning instant, for the metric it names', () => {
    const process = makeProcess({
      sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: 0.5 }),
      escalation: path([{ on: 'sla.warning', metric: 'firstResponse', escalateTo: 'specialist' }]),
    });
    const step = runTo(process, makeInput(), [{ type: 'tick', at: T0 + 5 * HOUR }]);
    expect(step.effects.map((e) => `${e.type}@${(e.at - T0) / MINUTE}m`)).toEqual([
      'sla.warning@30m',
      'escalated@30m',
      'sla.breached@60m',
      'sla.warning@240m', // the resolution warning: no rule for it
    ]);
    expect(escalations(step)[0]).toMatchObject({
      trigger: 'sla.warning',
      reason: 'sla.warning:firstResponse',
      level: 1,
    });
  });

  it('stamps an escalation with the breach instant when the tick comes late', () => {
    const { steps } = run([{ on: 'sla.breached', metric: 'firstResponse', escalateTo: '+1' }], {}, [
      { type: 'agent.reply', at: T0 + 3 * HOUR },
    ]);
    const last = steps.at(-1)!;
    expect(last.effects.map((e) => `${e.type}@${(e.at - T0) / HOUR}h`)).toEqual([
      'sla.breached@1h',
      'escalated@1h',
      'sla.met@3h',
    ]);
  });

  it('matches when on the attributes the inquiry has at the breach', () => {
    const { steps } = run([{ on: 'sla.breached', when: { priority: 'urgent' }, escalateTo: 'manager' }], {}, [
      { type: 'prioritize', priority: 'urgent', at: T0 + 10 * MINUTE },
      { type: 'tick', at: T0 + 2 * HOUR },
    ]);
    expect(escalations(steps.at(-1)!)).toMatchObject([{ level: 2, name: 'manager' }]);
  });
});

describe('reopened rules', () => {
  const cycle = (n: number): InquiryEventInit[] => [
    { type: 'resolve', at: T0 + n * DAY },
    { type: 'reopen', reason: `try ${n}`, at: T0 + n * DAY + HOUR },
  ];

  it('escalates from the nth reopen on', () => {
    const { steps } = run([{ on: 'reopened', count: 2, escalateTo: '+1' }], {}, [
      ...cycle(1),
      ...cycle(2),
      ...cycle(3),
    ]);
    const reopens = steps.filter((step) => step.effects.some((e) => e.type === 'inquiry.reopened'));
    expect(reopens.map((step) => escalations(step).map((e) => `${e.from}→${e.level} ${e.reason}`))).toEqual([
      [],
      ['0→1 reopened (2)'],
      ['1→2 reopened (3)'],
    ]);
  });

  it('escalates on every reopen without a count', () => {
    const { steps } = run([{ on: 'reopened', escalateTo: 'specialist' }], {}, cycle(1));
    expect(escalations(steps.at(-1)!)).toMatchObject([{ level: 1, trigger: 'reopened', reason: 'reopened (1)' }]);
  });
});

describe('feedback.negative rules', () => {
  const resolved: InquiryEventInit[] = [{ type: 'resolve', at: T0 + HOUR }];

  it('escalates on negative feedback only', () => {
    const rules: EscalationPolicyConfig['rules'] = [{ on: 'feedback.negative', escalateTo: 'manager' }];
    const score = (kind: 'csat' | 'nps' | 'ces', value: number) =>
      escalations(
        run(rules, {}, [...resolved, { type: 'feedback', kind, score: value, at: T0 + 2 * HOUR }]).steps.at(-1)!,
      );
    expect(score('csat', 2)).toMatchObject([
      { level: 2, name: 'manager', trigger: 'feedback.negative', reason: 'feedback.negative' },
    ]);
    expect(score('csat', 3)).toEqual([]);
    expect(score('nps', 6)).toHaveLength(1);
    expect(score('nps', 7)).toEqual([]);
    expect(score('ces', 5)).toHaveLength(1);
    expect(score('ces', 4)).toEqual([]);
  });

  it("climbs one level on negative feedback when no rule matches and the feedback policy says 'escalate'", () => {
    const { steps } = run(
      [{ on: 'feedback.negative', when: { tier: 'vip' }, escalateTo: 'manager' }],
      {},
      [...resolved, { type: 'feedback', kind: 'csat', score: 1, at: T0 + 2 * HOUR }],
      {
        feedback: feedbackPolicy({ onNegative: 'escalate' }),
      },
    );
    expect(escalations(steps.at(-1)!)).toMatchObject([
      { level: 1, from: 0, name: 'specialist', trigger: 'feedback.negative' },
    ]);
  });

  it("lets a matching rule decide instead of the feedback policy's 'escalate'", () => {
    const { steps } = run(
      [{ on: 'feedback.negative', routeTo: 'customer-care' }],
      {},
      [...resolved, { type: 'feedback', kind: 'csat', score: 1, at: T0 + 2 * HOUR }],
      {
        feedback: feedbackPolicy({ onNegative: 'escalate' }),
      },
    );
    expect(escalations(steps.at(-1)!)).toMatchObject([{ level: 0, from: 0, team: 'customer-care' }]);
  });
});

describe('levels', () => {
  const escalate = (at: number, reason?: string): InquiryEventInit => ({
    type: 'escalate',
    at,
    ...(reason === undefined ? {} : { reason }),
  });

  it("climbs one level with '+1' and jumps to a named level", () => {
    const plusOne = run([{ on: 'received', escalateTo: '+1' }]).steps[0]!;
    const named = run([{ on: 'received', escalateTo: 'manager' }]).steps[0]!;
    expect(escalations(plusOne)).toMatchObject([{ from: 0, level: 1, name: 'specialist' }]);
    expect(escalations(named)).toMatchObject([{ from: 0, level: 2, name: 'manager' }]);
  });

  it("caps '+1' at the top level, emitting nothing there", () => {
    const { process, steps } = run([{ on: 'sla.breached', escalateTo: '+1' }], {}, [
      escalate(T0 + MINUTE),
      escalate(T0 + 2 * MINUTE),
      { type: 'tick', at: T0 + 8 * HOUR },
    ]);
    expect(escalations(steps.at(-1)!)).toEqual([]);
    expect(process.view(steps.at(-1)!.state).escalation).toMatchObject({ level: 2, name: 'manager' });
  });

  it('never falls to a lower named level, nor re-announces the same one', () => {
    const { process, steps } = run(
      [
        { on: 'sla.breached', metric: 'firstResponse', escalateTo: 'specialist' },
        { on: 'sla.breached', escalateTo: 'specialist' },
      ],
      {},
      [escalate(T0 + MINUTE), escalate(T0 + 2 * MINUTE), { type: 'tick', at: T0 + 8 * HOUR }],
    );
    expect(steps.at(-1)!.effects.map((e) => e.type)).toEqual(['sla.breached', 'sla.breached']);
    expect(process.view(steps.at(-1)!.state).escalation.level).toBe(2);
    const equal = run([{ on: 'received', escalateTo: 'agent' }]).steps[0]!;
    expect(escalations(equal)).toEqual([]);
  });

  it('climbs one level on a manual escalate, with its reason', () => {
    const { process, steps } = run([], {}, [escalate(T0 + MINUTE, 'angry customer'), escalate(T0 + 2 * MINUTE)]);
    expect(escalations(steps[1]!)).toEqual([
      {
        type: 'escalated',
        inquiryId: 'T-1',
        at: T0 + MINUTE,
        level: 1,
        from: 0,
        name: 'specialist',
        trigger: 'manual',
        reason: 'angry customer',
        notify: ['tier2-leads@example.com'],
        team: 'tier-2',
      },
    ]);
    expect(escalations(steps[2]!)).toMatchObject([{ level: 2, from: 1, name: 'manager', reason: 'manual escalation' }]);
    expect(process.view(steps[2]!.state).escalation.name).toBe('manager');
  });

  it('accepts a manual escalate at the top level and changes nothing', () => {
    const { process, steps } = run([{ on: 'received', escalateTo: 'manager' }]);
    const top = steps[0]!.state;
    expect(process.can(top, escalate(T0 + MINUTE))).toBe(true);
    const step = process.send(top, escalate(T0 + MINUTE));
    expect(step.effects).toEqual([]);
    expect(process.view(step.state).escalation).toEqual(process.view(top).escalation);
  });

  it("re-routes to a level's team when the inquiry reaches it, taking it off the agent", () => {
    const { process, steps } = run([], {}, [
      { type: 'assign', agentId: 'ana', team: 'tier-1', at: T0 + MINUTE },
      escalate(T0 + HOUR),
    ]);
    expect(process.view(steps[1]!.state).assignee).toEqual({ agentId: 'ana', team: 'tier-1' });
    expect(process.view(steps[2]!.state).assignee).toEqual({ team: 'tier-2' });
    // the manager level names no team: the tier-2 team keeps it
    const higher = process.send(steps[2]!.state, escalate(T0 + 2 * HOUR));
    expect(process.view(higher.state).assignee).toEqual({ team: 'tier-2' });
    expect(escalations(higher)[0]).not.toHaveProperty('team');
  });

  it('routes to a team without changing the level (functional escalation)', () => {
    const { process, steps } = run([{ on: 'received', when: { category: 'billing' }, routeTo: 'billing' }], {
      category: 'billing',
    });
    expect(escalations(steps[0]!)).toEqual([
      {
        type: 'escalated',
        inquiryId: 'T-1',
        at: T0,
        level: 0,
        from: 0,
        name: 'agent',
        trigger: 'received',
        reason: 'received',
        notify: [],
        team: 'billing',
      },
    ]);
    const view = process.view(steps[0]!.state);
    expect(view.escalation).toMatchObject({ level: 0, name: 'agent' });
    expect(view.assignee).toEqual({ team: 'billing' });
  });

  it('routes and climbs at once when a rule has both', () => {
    const { process, steps } = run([{ on: 'received', escalateTo: '+1', routeTo: 'billing' }]);
    expect(escalations(steps[0]!)).toMatchObject([{ level: 1, from: 0, name: 'specialist', team: 'billing' }]);
    expect(process.view(steps[0]!.state).assignee).toEqual({ team: 'billing' });
  });

  it('emits nothing when routing to the team that already has the inquiry', () => {
    const { steps } = run([{ on: 'sla.breached', routeTo: 'billing' }], {}, [
      { type: 'assign', team: 'billing', at: T0 + MINUTE },
      { type: 'tick', at: T0 + 2 * HOUR },
    ]);
    expect(steps.at(-1)!.effects.map((e) => e.type)).toEqual(['sla.breached']);
  });

  it('keeps every escalation in the history of the view', () => {
    const { process, steps } = run(
      [
        { on: 'received', when: { tier: 'gold' }, routeTo: 'key-accounts' },
        { on: 'sla.breached', escalateTo: '+1' },
      ],
      {},
      [escalate(T0 + 30 * MINUTE, 'asked for a supervisor'), { type: 'tick', at: T0 + 2 * HOUR }],
    );
    expect(process.view(steps.at(-1)!.state).escalation).toEqual({
      level: 2,
      name: 'manager',
      history: [
        { at: T0, level: 0, from: 0, name: 'agent', trigger: 'received', reason: 'received', team: 'key-accounts' },
        {
          at: T0 + 30 * MINUTE,
          level: 1,
          from: 0,
          name: 'specialist',
          trigger: 'manual',
          reason: 'asked for a supervisor',
          team: 'tier-2',
        },
        {
          at: T0 + HOUR,
          level: 2,
          from: 1,
          name: 'manager',
          trigger: 'sla.breached',
          reason: 'sla.breached:firstResponse',
        },
      ],
    });
  });

  it('keeps the level of a closed inquiry', () => {
    const { process, steps } = run([], {}, [
      escalate(T0 + MINUTE),
      { type: 'resolve', at: T0 + HOUR },
      { type: 'close', at: T0 + 2 * HOUR },
    ]);
    expect(process.view(steps.at(-1)!.state)).toMatchObject({
      stage: 'closed',
      escalation: { level: 1, name: 'specialist' },
    });
  });
});

describe('a custom escalation policy', () => {
  it('works when it satisfies EscalationPolicy, and is capped and kept from falling all the same', () => {
    const wild: EscalationPolicy = {
      levels: [{ name: 'L1' }, { name: 'L2' }],
      decide: (signal) =>
        signal.on === 'received'
          ? { level: 9, trigger: 'received', reason: 'always up' }
          : { level: 0, trigger: signal.on, reason: 'down?' },
    };
    const process = makeProcess({ sla, escalation: wild });
    const steps = runAll(process, makeInput(), [{ type: 'tick', at: T0 + 2 * HOUR }]);
    expect(escalations(steps[0]!)).toMatchObject([{ level: 1, from: 0, name: 'L2' }]);
    expect(escalations(steps[1]!)).toEqual([]);
    expect(process.view(steps[1]!.state).escalation.level).toBe(1);
  });
});
