/**
 * The pending wake-ups of an in-process scheduler: the latest `wakeAt` of each inquiry, and a
 * binary heap of them ordered by time. Rescheduling an inquiry leaves its old heap item behind; a
 * heap item is stale once its inquiry's `wakeAt` moved, and is dropped when it surfaces.
 */

interface HeapItem {
  readonly id: string;
  readonly at: number;
}

/** Stale items are cleared out once they outnumber the live ones by this many. */
const STALE_ALLOWANCE = 1_024;

export class WakeUpQueue {
  private readonly wakeAts = new Map<string, number>();
  private readonly heap: HeapItem[] = [];

  /** Whether a wake-up of `id` is pending. */
  has(id: string): boolean {
    return this.wakeAts.has(id);
  }

  /** Sets (or with `null` clears) the wake-up of `id`; `false` when it was that already. */
  set(id: string, wakeAt: number | null): boolean {
    if (this.wakeAts.get(id) === (wakeAt ?? undefined)) return false;
    if (wakeAt === null) this.wakeAts.delete(id);
    else this.put(id, wakeAt);
    // Rescheduled inquiries leave stale items behind; rebuild before they outnumber live ones.
    if (this.heap.length > 2 * this.wakeAts.size + STALE_ALLOWANCE) {
      this.heap.length = 0;
      for (const [key, at] of this.wakeAts) this.push({ id: key, at });
    }
    return true;
  }

  /** Adds a wake-up of `id` at `at` (its latest one). */
  put(id: string, at: number): void {
    this.wakeAts.set(id, at);
    this.push({ id, at });
  }

  /** The instant of the earliest pending wake-up, or `undefined`. */
  next(): number | undefined {
    this.dropStale();
    return this.heap[0]?.at;
  }

  /** Takes every wake-up due by `now()` off the queue, earliest first. */
  takeDue(now: () => number): string[] {
    const due: string[] = [];
    const heap = this.heap;
    for (this.dropStale(); heap.length > 0 && heap[0]!.at <= now(); this.dropStale()) {
      const item = this.pop()!; // heap is non-empty
      this.wakeAts.delete(item.id);
      due.push(item.id);
    }
    return due;
  }

  private dropStale(): void {
    const heap = this.heap;
    while (heap.length > 0 && this.wakeAts.get(heap[0]!.id) !== heap[0]!.at) this.pop();
  }

  // Heap helpers: every index they dereference is checked against heap.length first (hence `!`).
  private push(item: HeapItem): void {
    const heap = this.heap;
    heap.push(item);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break; // both indexes are inside the heap
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): HeapItem | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && heap[left]!.at < heap[smallest]!.at) smallest = left;
      if (right < heap.length && heap[right]!.at < heap[smallest]!.at) smallest = right;
      if (smallest === i) break;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
    return top;
  }
}
