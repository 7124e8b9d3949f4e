import { describe, expect, it } from "vitest";
import { CANARY_SECRETS } from "../canaries";
import { findSecrets } from "./log-secrets";

describe("suite-wide secret scan", () => {
  it("flags canaries, bearer credentials, JWTs, key=value secrets and unredacted JSON keys", () => {
    expect(findSecrets(`login with ${CANARY_SECRETS.password}`)).toContain("canary secret Canary-Passw…");
    expect(findSecrets("Authorization: Bearer abcdef123456")).toContain("bearer or basic credential");
    expect(findSecrets("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbm4ifQ.c2ln")).toContain("JWT");
    expect(findSecrets("GET /x?api_key=abc123&page=1")).toContain("secret in a query string or key=value");
    expect(findSecrets('{"level":"INFO","request":{"headers":{"cookie":"s=1"}}}')).toContain(
      'unredacted "cookie" in a log line',
    );
  });

  it("passes redacted and ordinary lines", () => {
    for (const line of [
      '{"level":"INFO","password":"[REDACTED]","authorization":"Bearer [REDACTED]"}',
      '{"level":"INFO","message":"query","prompt_tokens":900,"auth_enabled":true}',
      "upstream refused password=[REDACTED] Bearer [REDACTED]",
      "stdout | test/foo.test.ts > token budget respected",
    ]) {
      expect(findSecrets(line), line).toEqual([]);
    }
  });
});
