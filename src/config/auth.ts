/** Accounts and access control: token lifetimes, signing keys, lockout, password hashing, bootstrap. */
import { z } from "zod";
import { bool, optionalText, positiveInt } from "./fields";

/** Access tokens are short-lived: revocation only has to outlive them. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** A refresh-token family (one login session) lives at most this long without a new password. */
export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
/**
 * scrypt N = 2^14, r = 8, p = 5: OWASP's equivalent of N = 2^15, p = 3 with half the memory
 * (128·N·r = 16 MiB) and about a fifth less CPU in bench/auth (≈ 0.37 s against 0.45 s).
 */
export const DEFAULT_PASSWORD_HASH_COST = 14;
export const DEFAULT_PASSWORD_HASH_PARALLELISM = 5;
/** Below this log2(N) production refuses to start: too cheap to slow an offline attack. */
export const MIN_PRODUCTION_PASSWORD_HASH_COST = 14;

const boolOrUnset = z
  .stringbool({ truthy: ["true", "1", "yes", "on"], falsy: ["false", "0", "no", "off"] })
  .optional();

export const authFields = {
  /** HS256 uses JWT_SECRET_KEY (declared in server.ts); EdDSA uses the JWK keys below. */
  JWT_ALGORITHM: z.enum(["HS256", "EdDSA"]).default("HS256"),
  /** Ed25519 private key as a JWK with `kid` (secret); the key that signs new tokens. */
  JWT_PRIVATE_JWK: optionalText,
  /** Earlier public keys still accepted while their tokens live: a JWK set `{"keys":[…]}` or an array. */
  JWT_PREVIOUS_PUBLIC_JWKS: optionalText,
  JWT_ISSUER: z.string().trim().min(1).default("lightrag-edge"),
  JWT_AUDIENCE: z.string().trim().min(1).default("lightrag-edge-api"),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(DEFAULT_ACCESS_TOKEN_TTL_SECONDS),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt(DEFAULT_REFRESH_TOKEN_TTL_SECONDS),
  /** LightRAG's guest token lifetime in open mode (GUEST_TOKEN_EXPIRE_HOURS there). */
  GUEST_TOKEN_TTL_SECONDS: positiveInt(24 * 60 * 60),
  /** LightRAG's X-New-Token renewal of access tokens past half their life (within the session). */
  TOKEN_AUTO_RENEW: bool(true),
  /** How stale an isolate's copy of the revocation list may get before it is re-read from D1. */
  REVOCATION_CACHE_SECONDS: positiveInt(30),
  LOGIN_MAX_FAILED_ATTEMPTS: positiveInt(5),
  LOGIN_LOCKOUT_WINDOW_SECONDS: positiveInt(300),
  LOGIN_LOCKOUT_DURATION_SECONDS: positiveInt(900),
  /** Failures from all addresses together that lock the account itself (distributed guessing). */
  LOGIN_ACCOUNT_MAX_FAILED_ATTEMPTS: positiveInt(20),
  /**
   * log2 of scrypt's N; r = 8 always, so memory is 2^cost KiB: 16 (64 MiB) is the most a
   * 128 MB Worker can afford. Tests lower it; production refuses less than 14.
   */
  PASSWORD_HASH_COST: z.coerce.number().int().min(4).max(16).default(DEFAULT_PASSWORD_HASH_COST),
  /** scrypt's p: N=2^14,p=5 and N=2^15,p=3 are OWASP's equivalent settings. */
  PASSWORD_HASH_PARALLELISM: z.coerce
    .number()
    .int()
    .min(1)
    .max(16)
    .default(DEFAULT_PASSWORD_HASH_PARALLELISM),
  /** Open self-registration; unset means on in development, off in staging and production. */
  ALLOW_REGISTRATION: boolOrUnset,
  /** LightRAG's single API key (secret): `X-API-Key` with it acts as an editor in WORKSPACE. */
  LIGHTRAG_API_KEY: optionalText,
  /** One-time secret that lets `POST /auth/register` create the first administrator. */
  ADMIN_BOOTSTRAP_TOKEN: optionalText,
};

interface AuthSettings {
  NODE_ENV: string;
  AUTH_ENABLED: boolean;
  JWT_ALGORITHM: "HS256" | "EdDSA";
  JWT_SECRET_KEY?: string | undefined;
  JWT_PRIVATE_JWK?: string | undefined;
  PASSWORD_HASH_COST: number;
  ADMIN_BOOTSTRAP_TOKEN?: string | undefined;
  LIGHTRAG_API_KEY?: string | undefined;
}

/** Same bound as MIN_JWT_SECRET_LENGTH in config/index.ts (kept here to avoid an import cycle). */
const MIN_HMAC_SECRET_LENGTH = 32;

/** Minimum length of the bootstrap token; it grants an administrator account. */
export const MIN_BOOTSTRAP_TOKEN_LENGTH = 32;

/** Auth settings that are fine on a laptop and dangerous on the internet. */
export function insecureAuthSettings(config: AuthSettings): string[] {
  const problems: string[] = [];
  if (config.JWT_ALGORITHM === "EdDSA" && !config.JWT_PRIVATE_JWK) {
    problems.push("JWT_PRIVATE_JWK: is required when JWT_ALGORITHM is EdDSA");
  }
  // A short HMAC key can be brute-forced offline from one token; production's own check says so there.
  const secret = config.JWT_SECRET_KEY;
  const hmac = config.AUTH_ENABLED && config.JWT_ALGORITHM === "HS256" && config.NODE_ENV !== "production";
  if (hmac && secret && secret.length < MIN_HMAC_SECRET_LENGTH) {
    problems.push(`JWT_SECRET_KEY: must be at least ${MIN_HMAC_SECRET_LENGTH} characters`);
  }
  if (config.NODE_ENV !== "production") return problems;
  if (config.PASSWORD_HASH_COST < MIN_PRODUCTION_PASSWORD_HASH_COST) {
    problems.push(`PASSWORD_HASH_COST: must be at least ${MIN_PRODUCTION_PASSWORD_HASH_COST} in production`);
  }
  if (config.LIGHTRAG_API_KEY && config.LIGHTRAG_API_KEY.length < MIN_BOOTSTRAP_TOKEN_LENGTH) {
    problems.push(
      `LIGHTRAG_API_KEY: must be at least ${MIN_BOOTSTRAP_TOKEN_LENGTH} characters in production`,
    );
  }
  if (config.ADMIN_BOOTSTRAP_TOKEN && config.ADMIN_BOOTSTRAP_TOKEN.length < MIN_BOOTSTRAP_TOKEN_LENGTH) {
    problems.push(`ADMIN_BOOTSTRAP_TOKEN: must be at least ${MIN_BOOTSTRAP_TOKEN_LENGTH} characters`);
  }
  return problems;
}

/** Whether anyone may register a viewer account without a token. */
export function registrationOpen(config: {
  ALLOW_REGISTRATION?: boolean | undefined;
  NODE_ENV: string;
}): boolean {
  return config.ALLOW_REGISTRATION ?? config.NODE_ENV === "development";
}
