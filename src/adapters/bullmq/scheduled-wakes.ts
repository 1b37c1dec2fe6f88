/**
 * The wake-up jobs a worker added and that are not due yet: per inquiry, the earliest one. A
 * deadline at or after such a job needs no job of its own (when that job fires, it finds the later
 * deadline and schedules it), which spares most of the jobs a deadline that moves earlier — but
 * not before a pending one — would add.
 */

/**
 * How long before its due time a known job stops counting as pending: the worker's clock and the
 * one BullMQ delays by may differ a little, and a job that fired already cannot stand for a
 * deadline any more.
 */
const MARGIN_MS = 1_000;

/** The earliest pending wake-up job per inquiry, for at most `capacity` inquiries (oldest out first). */
export class ScheduledWakes {
  private readonly dueAt = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  /** Whether a job known to be pending fires at or before `wakeAt` (so `wakeAt` needs no job). */
  covers(inquiryId: string, wakeAt: number, now: number): boolean {
    const known = this.dueAt.get(inquiryId);
    return known !== undefined && known > now + MARGIN_MS && known <= wakeAt;
  }

  /** Records a job added for `dueAt` (keeping an earlier one still pending). */
  added(inquiryId: string, dueAt: number, now: number): void {
    if (this.capacity <= 0) return;
    const known = this.dueAt.get(inquiryId);
    if (known !== undefined && known > now + MARGIN_MS && known <= dueAt) return;
    this.dueAt.delete(inquiryId);
    this.dueAt.set(inquiryId, dueAt);
    if (this.dueAt.size > this.capacity) {
      const oldest = this.dueAt.keys().next();
      if (oldest.done !== true) this.dueAt.delete(oldest.value);
    }
  }
}
