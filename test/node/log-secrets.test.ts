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
    expect(findSecrets("key lrk_Zq3vH8n2Jx0pLw5rT9cYb1mKd4sEf6gUa7iOe2hN3jQ revoked")).toContain(
      "raw API key or refresh token",
    );
    expect(findSecrets("rotated rt_kq3vH8n2Jx0pLw5rT9cYb1mKd4sEf6gUa7iOe2hN3jQ")).toContain(
      "raw API key or refresh token",
    );
  });

  it("passes redacted and ordinary lines", () => {
    for (const line of [
      '{"level":"INFO","password":"[REDACTED]","authorization":"Bearer [REDACTED]"}',
      '{"level":"INFO","message":"query","prompt_tokens":900,"auth_enabled":true}',
      "upstream refused password=[REDACTED] Bearer [REDACTED]",
      "stdout | test/foo.test.ts > token budget respected",
      // Identifiers and counts are not secrets, even when their names mention one.
      '{"level":"SECURITY","user_id":"api_key:7d0c3f4e","additional_data":{"api_key_id":"7d0c3f4e","token_id":"t1","api_key_name":"bot","api_keys":3}}',
      '{"level":"INFO","message":"keys listed","prefix":"lrk_4fA9xQ"}',
    ]) {
      expect(findSecrets(line), line).toEqual([]);
    }
  });
});
