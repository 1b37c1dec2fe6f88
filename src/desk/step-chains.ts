/**
 * One chain of steps per inquiry: a desk's steps of one inquiry run one after the other, in call
 * order, whatever the previous one did; steps of different inquiries run side by side.
 */
export class StepChains {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` once every step queued before it for `id` has settled. */
  serial<T>(id: string, work: () => Promise<T>): Promise<T> {
    const tails = this.tails;
    const result = (tails.get(id) ?? Promise.resolve()).then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(id, tail);
    void tail.then(() => {
      if (tails.get(id) === tail) tails.delete(id);
    });
    return result;
  }

  /** Waits until no step is in flight, including steps queued while waiting. */
  async drain(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
