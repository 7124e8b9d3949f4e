/**
 * Rebuilds every `.wasm` beside its `.wat` source (`npm run build:wasm`). The binaries are
 * committed, so installing and running the Worker needs no build step.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./lib/dev-server";
import { compileWat, WAT_SOURCES } from "./lib/wasm";

for (const source of WAT_SOURCES) {
  const binary = await compileWat(path.join(ROOT, source));
  const target = path.join(ROOT, source.replace(/\.wat$/, ".wasm"));
  writeFileSync(target, binary);
  console.log(`${source} -> ${path.relative(ROOT, target)} (${binary.length} bytes)`);
}
