import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger";
import { REDACTED, redact, redactString } from "../../src/observability/redact";

describe("redact", () => {
  it("blanks values under sensitive keys at any depth", () => {
    expect(
      redact({
        user: "ann",
        password: "hunter2",
        nested: {
          refresh_token: "r-1",
          apiKey: "k",
          headers: { Authorization: "Bearer abc", Cookie: "s=1" },
        },
        list: [{ secret: "s" }],
        enabled_token_auth: true,
      }),
    ).toEqual({
      user: "ann",
      password: REDACTED,
      nested: {
        refresh_token: REDACTED,
        apiKey: REDACTED,
        headers: { Authorization: REDACTED, Cookie: REDACTED },
      },
      list: [{ secret: REDACTED }],
      enabled_token_auth: true,
    });
  });

  it("masks bearer credentials and JWTs inside free text", () => {
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2lnbmF0dXJl";
    const text = redactString(`auth failed for Bearer abc.def-123 and token ${jwt}`);
    expect(text).not.toContain("abc.def-123");
    expect(text).not.toContain(jwt);
    expect(text).toContain(REDACTED);
  });

  it("caps long strings", () => {
    const text = redactString("a".repeat(5000));
    expect(text.length).toBeLessThan(2100);
    expect(text).toMatch(/…\[\+2952\]$/);
  });
});

describe("logger", () => {
  it("writes JSON lines at or above its level, with base fields and redaction", () => {
    const lines: string[] = [];
    const log = createLogger("INFO", { request_id: "r1" }, (line) => lines.push(line));
    log.debug("hidden");
    log.info("shown", { password: "p" });
    log.child({ user: "ann" }).warn("child");
    log.security("always");
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed.map((line) => [line.level, line.message])).toEqual([
      ["INFO", "shown"],
      ["WARNING", "child"],
      ["SECURITY", "always"],
    ]);
    expect(parsed[0]).toMatchObject({ request_id: "r1", password: REDACTED });
    expect(parsed[1]).toMatchObject({ request_id: "r1", user: "ann" });
  });

  it("keeps SECURITY lines even at ERROR level", () => {
    const lines: string[] = [];
    const log = createLogger("ERROR", {}, (line) => lines.push(line));
    log.warn("dropped");
    log.security("kept");
    expect(lines).toHaveLength(1);
  });
});
