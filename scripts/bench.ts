/**
 * `npm run bench [-- <name> [args]]`: runs one benchmark of bench/ (`bench/<name>.ts`) with
 * its arguments, or, without a name, lists them. Each prints its own medians and ratios.
 */
import { readdirSync } from "node:fs";
import { run } from "./ops/cli";

const [name, ...rest] = process.argv.slice(2);
const available = readdirSync("bench")
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.replace(/\.ts$/, ""));
if (!name) {
  console.log(`benchmarks: ${available.join(", ")}\nrun one: npm run bench -- <name> [its arguments]`);
  process.exit(0);
}
if (!available.includes(name)) {
  console.error(`no benchmark ${name}; available: ${available.join(", ")}`);
  process.exit(2);
}
process.exit(run("npx", ["tsx", `bench/${name}.ts`, ...rest]));
