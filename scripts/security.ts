/**
 * `npm run security`: the dependency audit (`npm audit`, failing on high and critical
 * advisories) and a secret scan of every tracked or new file of the tree. Exit code 0 only
 * when both are clean. `--skip-audit` runs the scan alone (no registry access).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { commonArgs } from "./ops/cli";
import { scanText } from "./ops/secret-scan";

const { values } = commonArgs({ "skip-audit": { type: "boolean", default: false } }, false);
let failed = false;

if (!values["skip-audit"]) {
  const audit = spawnSync("npm", ["audit", "--json", "--omit=optional"], { encoding: "utf8" });
  let report: { metadata?: { vulnerabilities?: Record<string, number> }; error?: { summary?: string } } = {};
  try {
    report = JSON.parse(audit.stdout);
  } catch {
    report = { error: { summary: audit.stderr.split("\n")[0] } };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    console.error(
      `✗ npm audit could not run: ${report.error?.summary ?? "no report"} (use --skip-audit offline)`,
    );
    failed = true;
  } else {
    const serious = (counts.high ?? 0) + (counts.critical ?? 0);
    console.error(`${serious === 0 ? "✓" : "✗"} npm audit: ${JSON.stringify(counts)}`);
    if (serious > 0) failed = true;
  }
}

const files = spawnSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
  encoding: "utf8",
})
  .stdout.split("\n")
  .filter((file) => file.length > 0);
let scanned = 0;
for (const file of files) {
  let text: string;
  try {
    if (statSync(file).size > 2 * 1024 * 1024) continue;
    text = readFileSync(file, "utf8");
  } catch {
    continue;
  }
  if (text.includes("\u0000")) continue;
  scanned += 1;
  for (const finding of scanText(file, text)) {
    console.error(`✗ ${finding.file}:${finding.line}: ${finding.rule}`);
    failed = true;
  }
}
console.error(`secret scan: ${scanned} files`);
process.exit(failed ? 1 : 0);
