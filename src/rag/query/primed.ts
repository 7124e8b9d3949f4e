/** Streams whose first piece is awaited before they are handed on. */

/**
 * `pieces` with its first piece already awaited, so whatever happens before the first piece
 * (a cache read, a provider error) is settled when this returns; stopping early still closes
 * the source, which frees its LLM slot.
 *
 * @example
 * const response = await primed(llm.stream(request)); // throws here if the provider refused
 */
export async function primed<T>(pieces: AsyncIterable<T>): Promise<AsyncIterable<T>> {
  const source = pieces[Symbol.asyncIterator]();
  let first: IteratorResult<T> | null = await source.next();
  const iterator: AsyncIterator<T> = {
    next: () => {
      const head = first;
      first = null;
      return head ? Promise.resolve(head) : source.next();
    },
    return: async () => {
      first = null;
      return (await source.return?.()) ?? { done: true, value: undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => iterator };
}
