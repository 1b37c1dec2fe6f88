/**
 * Persisted-state versioning through the desk and the stores: a state written by version 1 of the
 * inquiry machine (committed fixture, written by test/fixtures/write-inquiry-states.ts) keeps
 * working; a state of an earlier version is migrated by the registered migrations or refused with
 * INCOMPATIBLE_STATE, and a refused state is never overwritten.
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcess,
  createServiceDesk,
  inquiryMachine,
  manualClock,
  memoryStore,
  ServiceFlowError,
  type SnapshotStore,
  type StateMigration,
} from 'serviceflow';
import { migrate, postgresStore } from 'serviceflow/postgres';
import { FIXTURE_T0, fixturePolicies } from '../fixtures/write-inquiry-states.js';

const MINUTE = 60_000;
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const v1 = fixture('inquiry-state-v1.json');
const v0 = fixture('inquiry-state-v0.json');

/** Version 0 kept the assignee as a bare agent id and knew neither contacts nor reopens. */
const from0: StateMigration = (state) => {
  const { assignedTo, ...context } = state.context as { assignedTo?: string | null } & Record<string, unknown>;
  return {
    ...state,
    machine: { ...state.machine, version: '1' },
    context: {
      ...context,
      contacts: [],
      reopenCount: 0,
      ...(typeof assignedTo === 'string' ? { assignee: { agentId: assignedTo } } : {}),
    },
  };
};

const today = createProcess(inquiryMachine, fixturePolicies());
const migrating = createProcess(inquiryMachine, { ...fixturePolicies(), migrations: { '0': from0 } });

async function seed(store: SnapshotStore, id: string, state: unknown): Promise<void> {
  await store.create({
    id,
    state,
    stage: 'resolution',
    wakeAt: FIXTURE_T0 + 24 * 60 * MINUTE,
    lastEventAt: FIXTURE_T0 + 90 * MINUTE,
    effects: [],
  });
}

async function rejection(promise: Promise<unknown>): Promise<ServiceFlowError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof ServiceFlowError)) throw new Error(`expected a ServiceFlowError, got ${String(error)}`);
  return error;
}

let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await migrate(db, { tablePrefix: 'versioning_' });
}, 120_000);
afterAll(async () => {
  await db.close();
});

const stores: [string, () => Promise<SnapshotStore>][] = [
  ['memoryStore', async () => memoryStore()],
  [
    'postgresStore on PGlite',
    async () => {
      await db.query('TRUNCATE "versioning_snapshots", "versioning_journal"');
      return postgresStore(db, { tablePrefix: 'versioning_' });
    },
  ],
];

describe('the committed fixtures', () => {
  it('hold a state of machine inquiry version 1 and a synthetic one of version 0', () => {
    expect(v1).toMatchObject({ format: 1, machine: { id: 'inquiry', version: '1' } });
    expect(v0).toMatchObject({ format: 1, machine: { id: 'inquiry', version: '0' } });
  });
});

describe.each(stores)('persisted-state versioning through the desk on %s', (_name, makeStore) => {
  it('reads a state written by version 1 as it was, and keeps stepping it', async () => {
    const store = await makeStore();
    await seed(store, 'INQ-1001', v1);
    const desk = createServiceDesk({ process: today, store, clock: manualClock(FIXTURE_T0), scheduler: false });
    const inquiry = await desk.get('INQ-1001');
    expect(inquiry?.view).toMatchObject({
      id: 'INQ-1001',
      stage: 'resolution',
      priority: 'high',
      category: 'billing',
      assignee: { agentId: 'ana', team: 'billing-desk' },
      escalation: { level: 1, name: 'specialist' },
      contacts: [{ contactId: 'K-1', channel: 'phone', resolved: false }],
      sla: {
        firstResponse: { status: 'breached', breachedAt: FIXTURE_T0 + 60 * MINUTE },
        resolution: { status: 'running' },
      },
    });
    const step = await desk.send('INQ-1001', {
      type: 'resolve',
      resolution: 'refunded',
      at: FIXTURE_T0 + 120 * MINUTE,
    });
    expect(step.view.stage).toBe('followUp');
    expect(step.version).toBe(2);
    await desk.close();
  });

  it('migrates a version-0 state with the registered migration on read, and stores it migrated on the next step', async () => {
    const store = await makeStore();
    await seed(store, 'INQ-1001', v0);
    const desk = createServiceDesk({ process: migrating, store, clock: manualClock(FIXTURE_T0), scheduler: false });
    const inquiry = await desk.get('INQ-1001');
    expect(inquiry?.state.machine).toEqual({ id: 'inquiry', version: '1' });
    expect(inquiry?.view).toMatchObject({
      assignee: { agentId: 'ana' },
      contacts: [],
      reopenCount: 0,
      escalation: { level: 1 },
    });
    expect((await store.load('INQ-1001'))?.state).toEqual(v0); // get never writes
    await desk.send('INQ-1001', { type: 'customer.reply', at: FIXTURE_T0 + 100 * MINUTE });
    const stored = await store.load('INQ-1001');
    expect(stored?.version).toBe(2);
    expect(stored?.state).toMatchObject({
      machine: { id: 'inquiry', version: '1' },
      context: { reopenCount: 0, contacts: [] },
    });
    expect(stored?.state).not.toHaveProperty('context.assignedTo');
    await desk.close();
  });

  it('refuses a version-0 state without a migration with INCOMPATIBLE_STATE, and leaves it as it was', async () => {
    const store = await makeStore();
    await seed(store, 'INQ-1001', v0);
    const desk = createServiceDesk({ process: today, store, clock: manualClock(FIXTURE_T0), scheduler: false });
    for (const attempt of [
      desk.get('INQ-1001'),
      desk.send('INQ-1001', { type: 'agent.reply', at: FIXTURE_T0 + 100 * MINUTE }),
    ]) {
      const error = await rejection(attempt);
      expect(error.code).toBe('INCOMPATIBLE_STATE');
      expect(error.path).toEqual(['machine', 'version']);
      expect(error.message).toMatch(/version '0'.*no migration from '0'/);
    }
    const stored = await store.load('INQ-1001');
    expect(stored?.version).toBe(1);
    expect(stored?.state).toEqual(v0);
    await desk.close();
  });

  it('refuses a state of a newer format, of another machine, or whose migration yields an invalid context', async () => {
    const store = await makeStore();
    await seed(store, 'newer', { ...v1, format: 2 });
    await seed(store, 'other', { ...v1, machine: { id: 'contact', version: '1' } });
    await seed(store, 'broken', { ...v0, context: { ...(v0['context'] as object), priority: 'apocalyptic' } });
    const desk = createServiceDesk({ process: migrating, store, clock: manualClock(FIXTURE_T0), scheduler: false });
    expect(await rejection(desk.get('newer'))).toMatchObject({
      code: 'INCOMPATIBLE_STATE',
      path: ['format'],
      message: expect.stringMatching(/newer serviceflow/),
    });
    expect(await rejection(desk.get('other'))).toMatchObject({ code: 'INCOMPATIBLE_STATE', path: ['machine', 'id'] });
    expect(await rejection(desk.send('broken', { type: 'close', at: FIXTURE_T0 + 100 * MINUTE }))).toMatchObject({
      code: 'INCOMPATIBLE_STATE',
      path: ['context', 'priority'],
    });
    await desk.close();
  });
});
