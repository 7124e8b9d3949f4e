/**
 * Fails (exit 1) when the line coverage of `src/` in coverage/coverage-summary.json is under the
 * floor or dropped below `.ci/coverage-baseline.json`; run by `.ci/run` after the tests.
 *
 *   npx tsx scripts/coverage-gate.ts [coverage/coverage-summary.json]
 */
import { readFileSync } from "node:fs";
import { type CoverageBaseline, checkCoverage, linesPct } from "./lib/coverage-gate";

const summaryPath = process.argv[2] ?? "coverage/coverage-summary.json";
const baseline = JSON.parse(readFileSync(".ci/coverage-baseline.json", "utf8")) as CoverageBaseline;
let lines = Number.NaN;
try {
  lines = linesPct(JSON.parse(readFileSync(summaryPath, "utf8")));
} catch (error) {
  console.error(`coverage: cannot read ${summaryPath}: ${(error as Error).message}`);
}
const verdict = checkCoverage(lines, baseline);
console.log(verdict.message);
process.exit(verdict.ok ? 0 : 1);
