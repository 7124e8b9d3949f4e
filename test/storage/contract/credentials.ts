/**
 * Contract suite of the credential tables (refresh tokens, token revocations, API keys): D1
 * runs it in d1-stores.test.ts, Postgres in pg-stores.test.ts. Ids are unique per run; a real
 * Postgres keeps rows between files, so sweeps are checked on rows of their own only.
 */
import { describe, expect, it } from "vitest";
import type { ApiKeyRow, CredentialStore } from "../../../src/auth/store/credentials";
import type { AccountDirectory } from "../../../src/auth/store/directory";

let counter = 0;
const unique = (label: string) => `${label}_${Date.now().toString(36)}_${counter++}`;

export interface CredentialFixture {
  credentials: CredentialStore;
  /** Refresh tokens reference a user. */
  directory: AccountDirectory;
}

const key = (overrides: Partial<ApiKeyRow>): ApiKeyRow => ({
  id: unique("key"),
  name: "bot",
  prefix: "lrk_abcdef",
  role: "user",
  workspace: "default",
  createdBy: null,
  createdAt: 1_000,
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  ...overrides,
});

export function describeCredentialStoreContract(name: string, make: () => CredentialFixture): void {
  describe(`credential store contract: ${name}`, () => {
    it("claims a refresh token once, remembers its use, and revokes, lists and sweeps families", async () => {
      const { credentials, directory } = make();
      const user = await directory.createUser({
        username: unique("rt"),
        passwordHash: "h",
        role: "user",
        workspaces: [],
      });
      const now = 1_000_000;
      const session = { familyId: unique("fam"), userId: user.id, workspace: "default", authTime: now };
      const hash = unique("hash");
      await credentials.insertRefreshToken({
        id: unique("t"),
        tokenHash: hash,
        ...session,
        expiresAt: now + 60_000,
        createdAt: now,
      });
      const claimed = await credentials.claimRefreshToken(hash, now + 1);
      expect(claimed).toMatchObject({ ...session, expiresAt: now + 60_000 });
      expect(await credentials.claimRefreshToken(hash, now + 2)).toBeNull();
      expect(await credentials.findRefreshToken(hash)).toMatchObject({ ...session, usedAt: now + 1 });
      expect(await credentials.findRefreshToken(unique("nothing"))).toBeNull();

      const later = unique("hash");
      await credentials.insertRefreshToken({
        id: unique("t"),
        tokenHash: later,
        ...session,
        expiresAt: now + 60_000,
        createdAt: now,
      });
      const expired = unique("hash");
      const old = { ...session, familyId: unique("old") };
      await credentials.insertRefreshToken({
        id: unique("t"),
        tokenHash: expired,
        ...old,
        expiresAt: now,
        createdAt: 1,
      });
      expect(await credentials.claimRefreshToken(expired, now + 1)).toBeNull();
      expect(await credentials.liveFamilies(user.id, now + 1)).toEqual([session.familyId]);
      await credentials.revokeRefreshFamily(session.familyId, now + 3);
      expect(await credentials.claimRefreshToken(later, now + 4)).toBeNull();
      // Sweep only what ended long ago: nothing of another test ends before 1970-01-01T00:16:40.
      expect(await credentials.sweepRefreshTokens(now)).toBeGreaterThanOrEqual(1);
      expect(await credentials.findRefreshToken(expired)).toBeNull();
      expect(await credentials.findRefreshToken(later)).not.toBeNull();
    });

    it("keeps the later times of a repeated revocation and forgets ended ones", async () => {
      const { credentials } = make();
      const sid = unique("sid");
      const ended = unique("sid");
      await credentials.upsertRevocation({ kind: "session", subject: sid, revokedAt: 500, expiresAt: 9_000 });
      await credentials.upsertRevocation({ kind: "session", subject: sid, revokedAt: 100, expiresAt: 2_000 });
      await credentials.upsertRevocation({ kind: "session", subject: ended, revokedAt: 1, expiresAt: 50 });
      const inForce = await credentials.revokedSessions(5_000);
      expect(inForce).toContain(sid);
      expect(inForce).not.toContain(ended);
      expect(await credentials.sweepRevocations(60)).toBeGreaterThanOrEqual(1);
      expect(await credentials.revokedSessions(0)).not.toContain(ended);
      expect(await credentials.revokedSessions(8_999)).toContain(sid);
    });

    it("stores API keys by hash, lists them newest first and revokes a key with its descendants", async () => {
      const { credentials } = make();
      const ws = unique("ws");
      const parent = key({ workspace: ws, createdAt: 1_000 });
      const child = key({ workspace: ws, createdBy: `api_key:${parent.id}`, createdAt: 2_000 });
      const grandchild = key({
        workspace: ws,
        createdBy: `api_key:${child.id}`,
        createdAt: 3_000,
        revokedAt: null,
      });
      const other = key({ workspace: unique("ws"), createdAt: 4_000 });
      const hashes = new Map([parent, child, grandchild, other].map((row) => [row.id, unique("kh")]));
      for (const row of [parent, child, grandchild, other])
        await credentials.insertApiKey(row, hashes.get(row.id) ?? "");
      expect(await credentials.findApiKeyByHash(hashes.get(child.id) ?? "")).toEqual(child);
      expect(await credentials.findApiKeyByHash(unique("none"))).toBeNull();
      expect(await credentials.findApiKeyById(other.id)).toEqual(other);
      await credentials.touchApiKey(parent.id, 1_500);
      expect((await credentials.findApiKeyById(parent.id))?.lastUsedAt).toBe(1_500);
      expect((await credentials.listApiKeys(ws)).map((row) => row.id)).toEqual([
        grandchild.id,
        child.id,
        parent.id,
      ]);
      expect((await credentials.listApiKeys()).map((row) => row.id)).toEqual(
        expect.arrayContaining([parent.id, other.id]),
      );
      // An earlier revocation time survives the cascade.
      expect((await credentials.revokeApiKeyTree(grandchild.id, ws, 5_000)).map((row) => row.id)).toEqual([
        grandchild.id,
      ]);
      expect(await credentials.revokeApiKeyTree(parent.id, other.workspace, 6_000)).toEqual([]);
      const revoked = await credentials.revokeApiKeyTree(parent.id, undefined, 7_000);
      expect(Object.fromEntries(revoked.map((row) => [row.id, row.revokedAt]))).toEqual({
        [parent.id]: 7_000,
        [child.id]: 7_000,
        [grandchild.id]: 5_000,
      });
      expect((await credentials.findApiKeyById(other.id))?.revokedAt).toBeNull();
    });

    it("revokes every live key a user made and their descendants, leaving earlier revocations", async () => {
      const { credentials } = make();
      const owner = unique("user");
      const made = key({ createdBy: owner });
      const child = key({ createdBy: `api_key:${made.id}` });
      const grandchild = key({ createdBy: `api_key:${child.id}` });
      const gone = key({ createdBy: owner });
      const bystander = key({ createdBy: unique("user") });
      for (const row of [made, child, grandchild, gone, bystander])
        await credentials.insertApiKey(row, unique("kh"));
      await credentials.revokeApiKeyTree(gone.id, undefined, 500);
      const revoked = await credentials.revokeKeysOfUser(owner, 9_000);
      expect(Object.fromEntries(revoked.map((row) => [row.id, row.revokedAt]))).toEqual({
        [made.id]: 9_000,
        [child.id]: 9_000,
        [grandchild.id]: 9_000,
      });
      expect((await credentials.findApiKeyById(gone.id))?.revokedAt).toBe(500);
      expect((await credentials.findApiKeyById(bystander.id))?.revokedAt).toBeNull();
      expect(await credentials.revokeKeysOfUser(owner, 10_000)).toEqual([]);
    });
  });
}
