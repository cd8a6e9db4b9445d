/**
 * Bounded concurrency for I/O-bound work (reading image headers, copying files): at most
 * `limit` tasks in flight, results in input order.
 */
/** How many file operations readers and writers keep in flight: enough to hide I/O latency, few enough not to exhaust file handles. */
export const FILE_CONCURRENCY = 64;

export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  progress?: (done: number, total: number) => void,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i], i);
      done++;
      progress?.(done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
