/**
 * The trims a worker owes Redis after its saves: held for a few milliseconds so that they ride on
 * the worker's next log read (one script call for the read and every trim owed) instead of costing
 * one call each; sent on their own when no read comes in time.
 */

/** How long a trim waits for a read to ride on (ms). */
const FLUSH_AFTER_MS = 5;

/** One inquiry's trim: its entries up to `applied` leave the log. */
export interface Settle {
  readonly inquiryId: string;
  readonly applied: number;
}

/** The trims owed, at most one per inquiry (the highest applied sequence wins). */
export class PendingSettles {
  private readonly owed = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;

  /** `send` delivers trims that no read took in time; its failures go to `reportError`. */
  constructor(
    private readonly send: (settles: readonly Settle[]) => Promise<unknown>,
    private readonly reportError: (error: unknown) => void,
  ) {}

  /** Owes the trim of `inquiryId`'s entries up to `applied`. */
  add(inquiryId: string, applied: number): void {
    const before = this.owed.get(inquiryId);
    if (before === undefined || applied > before) this.owed.set(inquiryId, applied);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
  }

  /** Takes every trim owed (for a read to carry). */
  take(): Settle[] {
    const settles = [...this.owed].map(([inquiryId, applied]) => ({ inquiryId, applied }));
    this.owed.clear();
    return settles;
  }

  /** Owes again the trims a failed read carried. */
  giveBack(settles: readonly Settle[]): void {
    for (const { inquiryId, applied } of settles) this.add(inquiryId, applied);
  }

  /** Sends the trims owed now, and waits for a send under way. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const settles = this.take();
    const previous = this.flushing;
    if (settles.length > 0) {
      this.flushing = this.send(settles).then(
        () => undefined,
        (error: unknown) => this.reportError(error),
      );
    }
    await Promise.all([previous, this.flushing]);
  }
}
