/** The committed `.wasm` binaries are exactly what their `.wat` sources compile to. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/dev-server";
import { compileWat, WAT_SOURCES } from "../../scripts/lib/wasm";

describe("committed WebAssembly", () => {
  for (const source of WAT_SOURCES) {
    it(`${source} matches its .wasm (run npm run build:wasm after editing it)`, async () => {
      const built = await compileWat(path.join(ROOT, source));
      const committed = readFileSync(path.join(ROOT, source.replace(/\.wat$/, ".wasm")));
      expect(Buffer.from(built).equals(committed)).toBe(true);
    });
  }
});
