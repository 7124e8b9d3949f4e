/**
 * Finds credentials committed by mistake: well-known token formats, private keys, secret
 * values assigned in wrangler.toml, and env files that belong in `.gitignore`. A line that
 * carries `secret-scan: allow` is skipped (test fixtures that are fake on purpose).
 */

export interface Finding {
  file: string;
  line: number;
  rule: string;
}

const RULES: { rule: string; pattern: RegExp }[] = [
  { rule: "private key", pattern: /-----BEGIN (?:RSA |EC |OPENSSH |DSA |PGP |ENCRYPTED )?PRIVATE KEY-----/ },
  { rule: "AWS access key id", pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { rule: "GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/ },
  { rule: "Slack token", pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/ },
  { rule: "OpenAI API key", pattern: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{40,}\b/ },
  { rule: "Anthropic API key", pattern: /\bsk-ant-[A-Za-z0-9_-]{32,}\b/ },
  { rule: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { rule: "Stripe live key", pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}\b/ },
  { rule: "Upstash/Redis URL with password", pattern: /\brediss?:\/\/[^:\s/]*:[^@\s]{8,}@/ },
  {
    rule: "Postgres URL with password",
    pattern: /\bpostgres(?:ql)?:\/\/[^:\s/]+:(?!password\b)[^@\s]{8,}@(?!localhost|127\.0\.0\.1)/,
  },
];

/** Secret-named variables must never get a value in wrangler.toml (`wrangler secret put` instead). */
const TOML_SECRET = /^\s*[A-Z_]*(?:SECRET|TOKEN|PASSWORD|API_KEY|DATABASE_URL)[A-Z_]*\s*=\s*"[^"]+"/;

/** Files that hold local secrets and must not be tracked. */
const SECRET_FILES = /(?:^|\/)(?:\.dev\.vars|\.env(?:\.[a-z]+)?)$/;

/**
 * Findings in one file.
 *
 * @example
 * scanText("wrangler.toml", 'JWT_SECRET_KEY = "abc"'); // [{ file: "wrangler.toml", line: 1, rule: "secret value in wrangler.toml" }]
 */
export function scanText(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  if (SECRET_FILES.test(file) && !file.endsWith(".example")) {
    findings.push({ file, line: 0, rule: "local secrets file is tracked (add it to .gitignore)" });
  }
  const lines = text.split("\n");
  lines.forEach((content, index) => {
    if (content.includes("secret-scan: allow")) return;
    for (const { rule, pattern } of RULES)
      if (pattern.test(content)) findings.push({ file, line: index + 1, rule });
    if (file.endsWith("wrangler.toml") && TOML_SECRET.test(content)) {
      findings.push({ file, line: index + 1, rule: "secret value in wrangler.toml" });
    }
  });
  return findings;
}
