/**
 * Nothing is lost under ordinary faults: thousands of inquiries with deadlines run through the desk
 * on a store that fails some of its calls at random (before the call, or after it committed: a lost
 * acknowledgement), on memoryStore and PGlite, with both schedulers. Every event is sent until it
 * succeeds, with an eventId. At the end, each inquiry's journal must equal what the pure process
 * gives for the same events: every deadline fired exactly once, at its own time; no event applied
 * twice; nothing left unscheduled or parked; every effect delivered.
 *
 * Prints one line of figures per run.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceDesk,
  escalationPolicy,
  manualClock,
  memoryStore,
  pollingScheduler,
  ServiceFlowError,
  slaPolicy,
  timerScheduler,
  type DeskScheduler,
  type InquiryEventInit,
  type InquiryInputInit,
  type SnapshotStore,
} from 'serviceflow';
import { faultyStore } from 'serviceflow/testing';
import { migrate, postgresStore } from 'serviceflow/postgres';
import { seededRandom } from '../internal/internals.js';
import { HOUR, MINUTE, T0, makeProcess } from '../support/fixtures.js';

const process = makeProcess({
  sla: slaPolicy({ targets: [{ firstResponse: '1h', resolution: '8h' }], warnAt: [0.75] }),
  escalation: escalationPolicy({
    levels: [{ name: 'agent' }, { name: 'specialist' }, { name: 'manager' }, { name: 'director' }],
    rules: [],
  }),
});
const DEADLINE_EFFECTS = new Set(['sla.warning', 'sla.breached']);
const END = T0 + 24 * HOUR;

interface Action {
  readonly at: number;
  readonly id: string;
  readonly eventId: string;
  readonly run: 'open' | InquiryEventInit;
}

/** Inquiries opened over 6 hours; each is escalated once, half get a first reply, some within the hour. */
function plan(
  count: number,
  seed: number,
): { inputs: Map<string, InquiryInputInit>; events: Map<string, InquiryEventInit[]>; actions: Action[] } {
  const random = seededRandom(seed);
  const inputs = new Map<string, InquiryInputInit>();
  const events = new Map<string, InquiryEventInit[]>();
  const actions: Action[] = [];
  for (let i = 0; i < count; i++) {
    const id = `F-${i}`;
    const openedAt = T0 + random.int(0, 6 * HOUR);
    inputs.set(id, { id, channel: 'email', customer: { id: `C-${i % 97}` }, at: openedAt });
    actions.push({ at: openedAt, id, eventId: `open-${id}`, run: 'open' });
    const own: InquiryEventInit[] = [{ type: 'escalate', at: openedAt + random.int(MINUTE, 10 * HOUR) }];
    if (random.chance(0.5))
      own.push({ type: 'agent.reply', agentId: 'ana', at: openedAt + random.int(MINUTE, 2 * HOUR) });
    own.sort((a, b) => (a.at as number) - (b.at as number));
    events.set(id, own);
    own.forEach((event, index) => actions.push({ at: event.at as number, id, eventId: `${id}-${index}`, run: event }));
  }
  actions.sort((a, b) => a.at - b.at);
  return { inputs, events, actions };
}

/** The effects the pure process gives: the events in order, then one late tick that fires the rest. */
function expectedEffects(input: InquiryInputInit, events: readonly InquiryEventInit[]): unknown[] {
  let step = process.start(input);
  const effects: unknown[] = [...step.effects];
  for (const event of [...events, { type: 'tick', at: END } as const]) {
    step = process.send(step.state, event);
    effects.push(...step.effects);
  }
  return effects;
}

/** JSON with keys sorted, so that two effects compare equal whatever order their store kept. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    typeof member === 'object' && member !== null && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}

/** Runs `work` until it succeeds; a store fault is retried at once, anything else is a failure. */
async function untilDone<T>(work: () => Promise<T>): Promise<{ result: T; retries: number }> {
  for (let retries = 0; ; retries++) {
    try {
      return { result: await work(), retries };
    } catch (error) {
      if (error instanceof ServiceFlowError) throw error;
    }
  }
}

async function run(
  label: string,
  base: SnapshotStore,
  scheduler: DeskScheduler,
  count: number,
  seed: number,
): Promise<void> {
  const store = faultyStore(base, { seed, failRate: 0.05, lostAckShare: 0.5 });
  const clock = manualClock(T0);
  const desk = createServiceDesk({ process, store, clock, scheduler, outbox: { interval: 60_000 } });
  const delivered = new Set<string>();
  let reportedErrors = 0;
  desk.on('effect', (_effect, { id }) => void delivered.add(id));
  desk.on('error', () => void reportedErrors++);
  desk.on('parked', (parked) => {
    throw new Error(`parked ${parked.id}: ${parked.reason.message}`);
  });

  const { inputs, events, actions } = plan(count, seed);
  let retries = 0;
  for (const action of actions) {
    await clock.advanceTo(action.at);
    const input = inputs.get(action.id) as InquiryInputInit; // every action's inquiry is planned
    const { run: what, eventId } = action;
    const done = await untilDone(() =>
      what === 'open' ? desk.open(input, { eventId }) : desk.send(action.id, what, { eventId }),
    );
    retries += done.retries;
  }
  await clock.advanceTo(END); // every deadline falls due by then, with faults still striking
  store.enabled = false; // the store heals: what is still in backoff gets through
  await clock.advance(HOUR);
  await untilDone(() => desk.redeliver());
  await desk.close();

  let lost = 0;
  let doubled = 0;
  let deadlinesFired = 0;
  const mismatches: string[] = [];
  for (const [id, input] of inputs) {
    const expected = expectedEffects(input, events.get(id) ?? []);
    const journal = await base.journal(id);
    const actual = journal.map((entry) => entry.effect);
    deadlinesFired += journal.filter((entry) => DEADLINE_EFFECTS.has(entry.type)).length;
    const key = (effect: unknown) => canonical(effect); // jsonb reorders keys
    const want = expected.map(key);
    const got = actual.map(key);
    lost += want.filter((effect) => !got.includes(effect)).length;
    doubled += got.length - new Set(got).size;
    if (JSON.stringify(got) !== JSON.stringify(want) && mismatches.length < 3) {
      mismatches.push(
        `${id}: missing ${want.filter((e) => !got.includes(e)).join(' ')} unexpected ${got.filter((e) => !want.includes(e)).join(' ')}`,
      );
    }
    for (const entry of journal) if (!delivered.has(entry.id)) mismatches.push(`${entry.id} never delivered`);
  }
  const unscheduled = await base.due({ until: clock.now() });
  const parked = (await base.parked?.()) ?? [];
  const { injected, after, calls } = store.faults;
  console.log(
    `fault injection ${label}: inquiries ${count}, store calls ${calls}, faults injected ${injected} (${after} lost acks), retried sends ${retries}, errors reported ${reportedErrors}, deadlines fired ${deadlinesFired}, lost ${lost}, doubled ${doubled}`,
  );
  expect(injected).toBeGreaterThan(count / 10);
  expect({ lost, doubled, mismatches, unscheduled, parked }).toEqual({
    lost: 0,
    doubled: 0,
    mismatches: [],
    unscheduled: [],
    parked: [],
  });
}

const schedulers: [string, () => DeskScheduler][] = [
  ['timerScheduler', () => timerScheduler({ retry: { initialDelay: 1_000, maxDelay: 60_000 } })],
  ['pollingScheduler', () => pollingScheduler({ interval: 60_000, retry: { initialDelay: 1_000, maxDelay: 60_000 } })],
];

describe('fault injection: random transient store failures on every method', () => {
  let db: PGlite;
  let prefix = 0;
  beforeAll(async () => {
    db = new PGlite();
  }, 120_000);
  afterAll(async () => {
    await db.close();
  });

  it.each(schedulers)(
    'memoryStore with the %s: every deadline fires once at its own time, no event applied twice',
    async (name, scheduler) => {
      await run(`memoryStore/${name}`, memoryStore(), scheduler(), 1_500, 12);
    },
    120_000,
  );

  it.each(schedulers)(
    'postgresStore on PGlite with the %s: the same',
    async (name, scheduler) => {
      const tablePrefix = `faults${prefix++}_`;
      await migrate(db, { tablePrefix });
      await run(`PGlite/${name}`, postgresStore(db, { tablePrefix }), scheduler(), 100, 34);
    },
    180_000,
  );
});
