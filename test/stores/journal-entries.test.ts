// journalEntries: the journal entries of one write, as every store journals them and the desk hands
// them to its outbox.
import { describe, expect, it } from 'vitest';
import { memoryStore, type SnapshotWrite } from 'serviceflow';
import { checkSnapshotWrite, journalEntries } from 'serviceflow/stores';

const write: SnapshotWrite = {
  id: 'inq-1',
  state: { stage: 'inquiry' },
  stage: 'inquiry',
  wakeAt: null,
  lastEventAt: 0,
  effects: [
    { type: 'stage.changed', at: 0, from: 'inquiry', to: 'resolution' },
    { type: 'sla.started', at: 0, metric: 'firstResponse', dueAt: new Date(3_600_000), note: undefined },
  ],
};

describe('journalEntries', () => {
  it('makes one undispatched entry per effect, in order, with its stable id, version and index', () => {
    const effects = [
      { type: 'a', at: 1 },
      { type: 'b', at: 2 },
    ];
    expect(journalEntries('inq-1', 3, effects)).toEqual([
      {
        id: 'inq-1:3:0',
        snapshotId: 'inq-1',
        version: 3,
        index: 0,
        type: 'a',
        at: 1,
        effect: effects[0],
        dispatchedAt: null,
      },
      {
        id: 'inq-1:3:1',
        snapshotId: 'inq-1',
        version: 3,
        index: 1,
        type: 'b',
        at: 2,
        effect: effects[1],
        dispatchedAt: null,
      },
    ]);
    expect(journalEntries('inq-1', 1, [])).toEqual([]);
  });

  it('gives, from the checked write, exactly the entries memoryStore journals', async () => {
    const store = memoryStore();
    await store.create(write);
    const parsed = checkSnapshotWrite(write).effects.map(
      ({ json }) => JSON.parse(json) as { type: string; at: number },
    );
    expect(await store.journal('inq-1')).toStrictEqual(journalEntries('inq-1', 1, parsed));
  });
});
