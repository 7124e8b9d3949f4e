import { describe, expect, it } from "vitest";
import { scanText } from "../../scripts/ops/secret-scan";

describe("npm run security (secret scan)", () => {
  it("finds well-known credential formats", () => {
    const text = [
      "const ok = 'nothing here';",
      `aws = "AKIA${"ABCDEFGHIJKLMNOP"}"`,
      `token: "ghp_${"a".repeat(36)}"`,
      `-----BEGIN ${"PRIVATE"} KEY-----`,
      `OPENAI = "sk-proj-${"x".repeat(48)}"`,
    ].join("\n");
    expect(scanText("src/x.ts", text).map((f) => `${f.line}:${f.rule}`)).toEqual([
      "2:AWS access key id",
      "3:GitHub token",
      "4:private key",
      "5:OpenAI API key",
    ]);
  });

  it("flags secret values in wrangler.toml and tracked .dev.vars, but not names or examples", () => {
    expect(scanText("wrangler.toml", 'JWT_SECRET_KEY = "abc123"')[0]?.rule).toBe(
      "secret value in wrangler.toml",
    );
    expect(scanText("wrangler.toml", 'AUTH_ENABLED = "true"\n# wrangler secret put JWT_SECRET_KEY')).toEqual(
      [],
    );
    expect(scanText(".dev.vars", "")[0]?.rule).toMatch(/tracked/);
    expect(scanText(".dev.vars.example", "JWT_SECRET_KEY=change-me")).toEqual([]);
  });

  it("skips lines marked as deliberate fixtures", () => {
    expect(scanText("test/x.ts", `k = "AKIA${"ABCDEFGHIJKLMNOP"}" // secret-scan: allow`)).toEqual([]);
  });
});
