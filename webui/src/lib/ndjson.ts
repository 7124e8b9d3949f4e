/**
 * Incremental NDJSON splitting for streamed answers (`POST /query/stream`): bytes arrive in
 * arbitrary pieces; complete lines are parsed, the rest waits for the next piece.
 */

/**
 * A stateful splitter: `push` returns the JSON values of the lines completed by `chunk`,
 * `flush` the last line when the stream ends without a newline. Blank lines are skipped;
 * a line that is not JSON is returned as `{ error: "..." }` so the caller can show it.
 *
 * @example
 * const split = ndjsonSplitter();
 * split.push('{"a":1}\n{"b"'); // [{ a: 1 }]
 * split.push(':2}\n');         // [{ b: 2 }]
 */
export function ndjsonSplitter() {
  let buffer = "";
  const parse = (line: string): unknown[] => {
    const text = line.trim();
    if (text === "") return [];
    try {
      return [JSON.parse(text)];
    } catch {
      return [{ error: `Unreadable stream line: ${text.slice(0, 200)}` }];
    }
  };
  return {
    push(chunk: string): unknown[] {
      buffer += chunk;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      return lines.flatMap(parse);
    },
    flush(): unknown[] {
      const rest = buffer;
      buffer = "";
      return parse(rest);
    },
  };
}
