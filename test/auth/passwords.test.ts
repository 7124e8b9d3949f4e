import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  hashPassword,
  needsRehash,
  parsePasswordHash,
  verifyDummy,
  verifyPassword,
} from "../../src/auth/password";
import { normalizePassword, passwordProblems } from "../../src/auth/password-policy";
import { createUser } from "../../src/auth/store/users";
import { parseConfig } from "../../src/config";
import { login, PASSWORD, uniqueName } from "./helpers";

const params = { ln: 6, r: 8, p: 3 };

describe("password hashing", () => {
  it("writes a PHC string with its parameters and a fresh salt, and verifies it", async () => {
    const a = await hashPassword("correct horse battery staple", params);
    const b = await hashPassword("correct horse battery staple", params);
    expect(a).toMatch(/^\$scrypt\$ln=6,r=8,p=3\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", a)).toBe(false);
    expect(await verifyPassword("anything", "$2b$12$notourformat")).toBe(false);
    expect(await verifyPassword("anything", a.replace("ln=6", "ln=30"))).toBe(false);
    expect(parsePasswordHash(a)).toMatchObject({ ln: 6, r: 8, p: 3 });
  });

  it("knows when a hash needs the current parameters", async () => {
    const stored = await hashPassword("x".repeat(12), params);
    expect(needsRehash(stored, params)).toBe(false);
    expect(needsRehash(stored, { ...params, ln: 7 })).toBe(true);
    expect(needsRehash(stored, { ...params, p: 5 })).toBe(true);
    expect(needsRehash("garbage", params)).toBe(true);
  });

  it("runs a dummy verification that never matches", async () => {
    expect(await verifyDummy("whatever", params)).toBe(false);
  });

  it("re-hashes with the configured parameters at the next good login", async () => {
    const username = uniqueName("rehash");
    const old = await hashPassword(PASSWORD, { ln: 5, r: 8, p: 1 });
    const user = await createUser(env.DB, {
      username,
      passwordHash: old,
      role: "viewer",
      workspaces: ["default"],
    });
    await login({ username, password: PASSWORD });
    const row = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?")
      .bind(user.id)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^\$scrypt\$ln=6,r=8,p=1\$/);
    expect(await login({ username, password: PASSWORD })).toBeTruthy();
  });
});

describe("password policy", () => {
  it("normalises with NFKC so equivalent spellings match", () => {
    expect(normalizePassword("ﬁle-Ｐａｓｓｗｏｒｄ-12")).toBe("file-Password-12");
  });

  it("counts characters, not UTF-16 units, and refuses common passwords and the username", () => {
    expect(passwordProblems("🔑".repeat(12))).toEqual([]);
    expect(passwordProblems("🔑".repeat(11))).toEqual(["must be at least 12 characters"]);
    expect(passwordProblems("Password1234")).toEqual(["is one of the most common passwords"]);
    expect(passwordProblems("mallory-rules-forever", "mallory")).toEqual(["must not contain the username"]);
    expect(passwordProblems("a".repeat(129))).toContain("must be at most 128 characters");
  });
});

describe("auth configuration", () => {
  const strong = { NODE_ENV: "production", AUTH_ENABLED: "true", JWT_SECRET_KEY: "s".repeat(40) };

  it("defaults to OWASP-equivalent scrypt (N=2^14, r=8, p=5) and 15-minute access tokens", () => {
    const { config, problems } = parseConfig(strong);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      PASSWORD_HASH_COST: 14,
      PASSWORD_HASH_PARALLELISM: 5,
      ACCESS_TOKEN_TTL_SECONDS: 900,
      LOGIN_MAX_FAILED_ATTEMPTS: 5,
      LOGIN_LOCKOUT_WINDOW_SECONDS: 300,
      JWT_ALGORITHM: "HS256",
    });
  });

  it("refuses a cheap hash cost, a short bootstrap token and EdDSA without a key in production", () => {
    expect(parseConfig({ PASSWORD_HASH_COST: "17" }).config).toBeNull();
    expect(parseConfig({ ...strong, PASSWORD_HASH_COST: "10" }).problems).toEqual([
      "PASSWORD_HASH_COST: must be at least 14 in production",
    ]);
    expect(parseConfig({ ...strong, ADMIN_BOOTSTRAP_TOKEN: "short" }).problems[0]).toMatch(
      /^ADMIN_BOOTSTRAP_TOKEN/,
    );
    expect(parseConfig({ ...strong, JWT_ALGORITHM: "EdDSA" }).problems[0]).toMatch(/^JWT_PRIVATE_JWK/);
    expect(parseConfig({ PASSWORD_HASH_COST: "10" }).problems).toEqual([]);
    expect(parseConfig({ JWT_SECRET_KEY: "too-short" }).problems).toEqual([
      "JWT_SECRET_KEY: must be at least 32 characters",
    ]);
    expect(parseConfig({ JWT_SECRET_KEY: "too-short", AUTH_ENABLED: "false" }).problems).toEqual([]);
  });
});
