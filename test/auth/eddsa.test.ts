import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { requiredRole } from "../../src/auth/permissions";
import { signingKeys } from "../../src/auth/signing-keys";
import { issueAccessToken, verifyAccessToken } from "../../src/auth/tokens";
import { parseConfig } from "../../src/config";

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid };
  const publicJwk = { ...(await exportJWK(publicKey)), kid };
  return { privateKey, privateJwk, publicJwk };
}

const claims = {
  userId: "u1",
  username: "ann",
  role: "user" as const,
  workspace: "default",
  sessionId: "s1",
  authTime: Date.now(),
};

function configWith(env: Record<string, string>) {
  const { config, problems } = parseConfig(env);
  if (!config || problems.length > 0) throw new Error(problems.join("; "));
  return config;
}

describe("EdDSA tokens with key rotation", () => {
  it("signs with the current kid, verifies old kids still published, refuses unknown keys", async () => {
    const old = await keyPair("2026-01");
    const current = await keyPair("2026-06");
    const before = configWith({ JWT_ALGORITHM: "EdDSA", JWT_PRIVATE_JWK: JSON.stringify(old.privateJwk) });
    const after = configWith({
      JWT_ALGORITHM: "EdDSA",
      JWT_PRIVATE_JWK: JSON.stringify(current.privateJwk),
      JWT_PREVIOUS_PUBLIC_JWKS: JSON.stringify({ keys: [old.publicJwk] }),
    });
    const oldToken = (await issueAccessToken(before, claims)).token;
    const newToken = (await issueAccessToken(after, claims)).token;
    expect(JSON.parse(atob(newToken.split(".")[0] ?? ""))).toMatchObject({ alg: "EdDSA", kid: "2026-06" });
    expect((await verifyAccessToken(after, oldToken)).sub).toBe("u1");
    expect((await verifyAccessToken(after, newToken)).role).toBe("user");
    const { jwks } = await signingKeys(after);
    expect(jwks.keys.map((key) => key.kid)).toEqual(["2026-06", "2026-01"]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');

    const stranger = await keyPair("2026-06");
    const forged = await new SignJWT({
      role: "admin",
      ws: "default",
      sid: "s",
      username: "m",
      auth_time: 1,
      typ: "access",
    })
      .setProtectedHeader({ alg: "EdDSA", kid: "2026-06" })
      .setSubject("m")
      .setIssuer("lightrag-edge")
      .setAudience("lightrag-edge-api")
      .setJti("j")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(stranger.privateKey);
    await expect(verifyAccessToken(after, forged)).rejects.toMatchObject({ status: 401 });
    // An HS256 token signed with a public key's bytes (algorithm confusion) is refused.
    const confused = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(JSON.stringify(current.publicJwk)));
    await expect(verifyAccessToken(after, confused)).rejects.toMatchObject({ status: 401 });
  });
});

describe("permission table", () => {
  it.each([
    ["GET", "/health/ready", null],
    ["POST", "/login", null],
    ["GET", "/documents", "viewer"],
    ["POST", "/query", "viewer"],
    ["POST", "/documents/paginated", "viewer"],
    ["POST", "/documents/text", "user"],
    ["DELETE", "/documents", "user"],
    ["POST", "/graph/entity/edit", "user"],
    ["GET", "/admin/audit", "admin"],
    ["POST", "/auth/logout", "viewer"],
    ["PUT", "/some/future/route", "user"],
  ])("%s %s needs %s", (method, path, role) => {
    expect(requiredRole(method, path)).toBe(role);
  });
});
