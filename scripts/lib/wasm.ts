/** Compiles the repository's WebAssembly text files with wabt (a pure-JS build, no binaries). */
import { readFileSync } from "node:fs";
import wabt from "wabt";

/**
 * The binary of the `.wat` file at `path`, with the SIMD proposal enabled.
 *
 * @example
 * writeFileSync("dot.wasm", await compileWat("src/storage/local-vector/dot.wat"));
 */
export async function compileWat(path: string): Promise<Uint8Array> {
  const tools = await wabt();
  const parsed = tools.parseWat(path, readFileSync(path, "utf8"), { simd: true });
  try {
    parsed.validate();
    return parsed.toBinary({ log: false, write_debug_names: false }).buffer;
  } finally {
    parsed.destroy();
  }
}

/** Every `.wat` file the Worker imports as `.wasm`. */
export const WAT_SOURCES = ["src/storage/local-vector/dot.wat"];
