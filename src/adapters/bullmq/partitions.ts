/**
 * How inquiries are spread over partitions, and partitions over the live workers. An inquiry's
 * drain jobs always go to the queue of the partition its id hashes to; each partition is drained
 * by one worker at a time, so the drains of an inquiry land where its last state is in memory.
 */

/**
 * The partition of an inquiry: FNV-1a (32 bits) over the UTF-16 code units of its id, modulo the
 * partition count. Stable across processes, releases and machines (nothing random, no seed).
 */
export function partitionOf(inquiryId: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < inquiryId.length; i++) {
    hash ^= inquiryId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/** The BullMQ queue of one partition, next to the desk's shared queue `queueName`. */
export function partitionQueueName(queueName: string, partition: number): string {
  return `${queueName}.p${partition}`;
}

/**
 * The partitions `me` owns among the live workers: partition `p` belongs to the `(p mod n)`-th
 * worker id in sorted order, so every worker computes the same split from the same list, the split
 * is even, and a worker that joins or leaves moves partitions at once (none is left unowned while
 * any worker lives). Empty when `me` is not among them.
 */
export function ownedPartitions(members: readonly string[], me: string, count: number): number[] {
  const sorted = [...new Set(members)].sort();
  const index = sorted.indexOf(me);
  if (index === -1) return [];
  const owned: number[] = [];
  for (let partition = index; partition < count; partition += sorted.length) owned.push(partition);
  return owned;
}
