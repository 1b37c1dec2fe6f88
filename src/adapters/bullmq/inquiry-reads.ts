/**
 * What a BullMQ desk reads back: the stored inquiry with the log position it includes, and the wait
 * until an entry submitted to the log is applied (or refused).
 */
import type { AnyServiceMachine, ServiceProcess } from '../../process/createProcess.js';
import { abbreviate, InvalidInputError } from '../../errors.js';
import type { PersistedState } from '../../schemas/state.js';
import type { SnapshotStore, StoredSnapshot } from '../../stores/store.js';
import { appliedSequenceOf } from '../../desk/snapshot.js';
import type { BullmqDeskInquiry, Submitted } from './bullmq-desk.js';
import type { InquiryLog } from './inquiry-log.js';

/** The stored inquiry (restored, so migrated and checked), as the desk returns it. */
export function toInquiry<TMachine extends AnyServiceMachine>(
  process: ServiceProcess<TMachine>,
  snapshot: StoredSnapshot,
): BullmqDeskInquiry<TMachine> {
  const state = process.restore(snapshot.state);
  return {
    id: snapshot.id,
    version: snapshot.version,
    view: process.view(state),
    wakeAt: snapshot.wakeAt,
    state: state as PersistedState<unknown>,
    appliedSequence: appliedSequenceOf(snapshot.state),
  };
}

/** Polls the store until it holds the inquiry with the entry applied; see `BullmqDesk.waitUntilApplied`. */
export async function waitUntilApplied<TMachine extends AnyServiceMachine>(
  reads: { readonly process: ServiceProcess<TMachine>; readonly store: SnapshotStore; readonly log: InquiryLog },
  submitted: Submitted,
  options: { timeout?: number; interval?: number } = {},
): Promise<BullmqDeskInquiry<TMachine>> {
  const { process, store, log } = reads;
  const timeout = options.timeout ?? 30_000;
  const interval = options.interval ?? 20;
  const deadline = Date.now() + timeout;
  for (;;) {
    const snapshot = await store.load(submitted.id);
    if (snapshot !== undefined && appliedSequenceOf(snapshot.state) >= submitted.sequence) {
      return toInquiry(process, snapshot);
    }
    // An inquiry whose entries were all refused has no snapshot. A drain records refusals before
    // it saves what the entries before them opened, so that is certain only once no entry up to
    // this one is left in the log (entries leave it after the save), and the store still has no
    // snapshot after that.
    if (
      snapshot === undefined &&
      (await log.wasDeadLettered(`${submitted.id}#${submitted.sequence}`)) &&
      ![...(await log.read(submitted.id)).keys()].some((sequence) => sequence <= submitted.sequence) &&
      (await store.load(submitted.id)) === undefined
    ) {
      throw new InvalidInputError(
        `Entry ${submitted.sequence} of inquiry ${abbreviate(submitted.id)} was refused (see deadLetters()) and no inquiry was opened`,
        { path: ['id'], received: submitted.id, expected: 'an opened inquiry' },
      );
    }
    if (Date.now() >= deadline) {
      throw new InvalidInputError(
        `Entry ${submitted.sequence} of inquiry ${abbreviate(submitted.id)} was not applied within ${timeout} ms: is a worker running?`,
        { path: ['sequence'], received: submitted.sequence, expected: `applied within ${timeout} ms` },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
