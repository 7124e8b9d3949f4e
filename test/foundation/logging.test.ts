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

  it("keeps identifiers, names and counts whose names mention a secret", () => {
    expect(
      redact({
        api_key_id: "k-1",
        apiKeyId: "k-1",
        token_type: "Bearer",
        api_keys: 3,
        prompt_tokens: 900,
        user_id: "api_key:k-1",
        id_token: "idt-secret",
        credentials: { id: "c-1", secret: "s", attempts: 2 },
        tokens: ["t-1", "t-2"],
      }),
    ).toEqual({
      api_key_id: "k-1",
      apiKeyId: "k-1",
      token_type: "Bearer",
      api_keys: 3,
      prompt_tokens: 900,
      user_id: "api_key:k-1",
      id_token: REDACTED,
      credentials: { id: "c-1", secret: REDACTED, attempts: 2 },
      tokens: [REDACTED, REDACTED],
    });
  });

  it("masks raw API keys and refresh tokens anywhere, keeps identifier pairs in free text", () => {
    const key = "lrk_Zq3vH8n2Jx0pLw5rT9cYb1mKd4sEf6gUa7iOe2hN3jQ";
    expect(redactString(`rejected ${key} for api_key_id=k-1`)).toBe(
      `rejected ${REDACTED} for api_key_id=k-1`,
    );
    expect(redact({ user_id: `api_key:${key}` })).toEqual({ user_id: `api_key:${REDACTED}` });
    expect(redactString("shown prefix lrk_4fA9xQ")).toBe("shown prefix lrk_4fA9xQ");
    expect(redactString("api_key: sk-provider-key")).toBe(`api_key: ${REDACTED}`);
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
