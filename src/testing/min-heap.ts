/**
 * A binary min-heap of timed entries: the simulator's future-event list and its agent work
 * queues. Entries are ordered by `at`, ties by `seq` (a sequence number), which keeps the
 * simulation deterministic. The order is fixed ({@link earlier}) rather than passed in as a
 * comparator, which a heap of agenda items and a heap of queue entries would share (the slower
 * form, see bench/README.md).
 */
export interface Timed {
  readonly at: number;
  readonly seq: number;
}

/** Whether `a` comes before `b`. */
export const earlier = (a: Timed, b: Timed): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq);

export class MinHeap<T extends Timed> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    let index = items.length;
    items.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = items[parent] as T;
      if (!earlier(item, above)) break;
      items[index] = above;
      index = parent;
    }
    items[index] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    const length = items.length;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && earlier(items[right] as T, items[left] as T) ? right : left;
      const below = items[child] as T;
      if (!earlier(below, last)) break;
      items[index] = below;
      index = child;
    }
    items[index] = last;
    return top;
  }
}
