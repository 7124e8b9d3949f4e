/**
 * The keys that sign and verify access tokens, built once per config: HS256 with
 * JWT_SECRET_KEY, or EdDSA (Ed25519) with a private JWK whose `kid` selects the key, plus
 * earlier public keys kept for rotation and published at `/.well-known/jwks.json`.
 */
import { createLocalJWKSet, importJWK, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from "jose";
import type { Config } from "../config";
import { randomBytes } from "./encoding";

export interface SigningKeys {
  algorithm: "HS256" | "EdDSA";
  /** Key id written in the header of new tokens (EdDSA only). */
  kid?: string;
  signingKey: CryptoKey | Uint8Array;
  verificationKey: Uint8Array | JWTVerifyGetKey;
  /** Public keys to publish; empty for HS256, whose key is secret. */
  jwks: JSONWebKeySet;
  /** True when no secret was configured and a random one lives only in this isolate (development). */
  ephemeral: boolean;
}

const cache = new WeakMap<Config, Promise<SigningKeys>>();
let ephemeralSecret: Uint8Array | undefined;

/**
 * The keys for `config`, memoised; throws when the configured key material is malformed.
 *
 * @example
 * const keys = await signingKeys(c.get("config"));
 */
export function signingKeys(config: Config): Promise<SigningKeys> {
  let keys = cache.get(config);
  if (!keys) {
    keys = build(config);
    cache.set(config, keys);
  }
  return keys;
}

async function build(config: Config): Promise<SigningKeys> {
  if (config.JWT_ALGORITHM === "HS256") {
    const configured = config.JWT_SECRET_KEY;
    if (!configured) ephemeralSecret ??= randomBytes(32);
    const secret = configured ? new TextEncoder().encode(configured) : (ephemeralSecret as Uint8Array);
    return {
      algorithm: "HS256",
      signingKey: secret,
      verificationKey: secret,
      jwks: { keys: [] },
      ephemeral: !configured,
    };
  }
  const privateJwk = parseJwk(config.JWT_PRIVATE_JWK ?? "", "JWT_PRIVATE_JWK");
  if (!privateJwk.kid || !privateJwk.d || privateJwk.crv !== "Ed25519") {
    throw new Error("JWT_PRIVATE_JWK must be an Ed25519 private JWK (kty OKP, crv Ed25519) with a kid");
  }
  const { d: _d, ...currentPublic } = privateJwk;
  const previous = config.JWT_PREVIOUS_PUBLIC_JWKS ? parseJwkSet(config.JWT_PREVIOUS_PUBLIC_JWKS) : [];
  const published = [currentPublic, ...previous.filter((key) => key.kid !== privateJwk.kid)].map((key) => ({
    ...key,
    alg: "EdDSA",
    use: "sig",
  }));
  const jwks = { keys: published };
  return {
    algorithm: "EdDSA",
    kid: privateJwk.kid,
    signingKey: (await importJWK({ ...privateJwk, alg: "EdDSA" }, "EdDSA")) as CryptoKey,
    verificationKey: createLocalJWKSet(jwks),
    jwks,
    ephemeral: false,
  };
}

function parseJwk(text: string, name: string): JWK {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as JWK;
  } catch {
    // fall through to the uniform message below, which never echoes the secret
  }
  throw new Error(`${name} is not a JSON object`);
}

function parseJwkSet(text: string): JWK[] {
  const value: unknown = JSON.parse(text);
  const keys = Array.isArray(value) ? value : (value as { keys?: unknown })?.keys;
  if (!Array.isArray(keys))
    throw new Error('JWT_PREVIOUS_PUBLIC_JWKS must be a JWK set {"keys":[…]} or an array');
  return keys.map((key: JWK) => {
    const { d: _d, ...publicPart } = key;
    return publicPart;
  });
}
