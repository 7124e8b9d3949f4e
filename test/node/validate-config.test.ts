import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { validateEnvironment } from "../../scripts/ops/validate-config";

const toml = readFileSync("wrangler.toml", "utf8");

describe("npm run validate (config check per environment)", () => {
  it("passes the local environment", () => {
    expect(validateEnvironment(toml, "local", null)).toEqual([]);
  });

  it("passes production's vars and bindings, and names only the placeholder ids to replace", () => {
    const problems = validateEnvironment(toml, "production", ["JWT_SECRET_KEY"]);
    expect(problems.every((p) => p.includes("REPLACE_ME"))).toBe(true);
    const filled = toml.replaceAll(/REPLACE_ME_[A-Z_]+/g, "0123456789abcdef");
    expect(validateEnvironment(filled, "production", ["JWT_SECRET_KEY"])).toEqual([]);
    expect(validateEnvironment(filled, "staging", ["JWT_SECRET_KEY"])).toEqual([]);
  });

  it("reports a missing secret, an insecure var, a missing binding and a class outside the migrations", () => {
    const filled = toml.replaceAll(/REPLACE_ME_[A-Z_]+/g, "0123456789abcdef");
    expect(validateEnvironment(filled, "production", [])).toContain(
      "secret JWT_SECRET_KEY is not set (wrangler secret put JWT_SECRET_KEY --env production)",
    );
    const insecure = filled.replace(
      /(\[env\.production\.vars\][^[]*?)AUTH_ENABLED = "true"/,
      '$1AUTH_ENABLED = "false"',
    );
    expect(validateEnvironment(insecure, "production", ["JWT_SECRET_KEY"])).toContain(
      "config: AUTH_ENABLED: must be true outside development",
    );
    const noFlags = filled.replace(
      /\[\[env\.production\.durable_objects\.bindings\]\]\nname = "FLAGS"\nclass_name = "RuntimeFlags"\n/,
      "",
    );
    expect(validateEnvironment(noFlags, "production", ["JWT_SECRET_KEY"])).toContain(
      "binding durable_object:FLAGS=RuntimeFlags is missing in [env.production]",
    );
    const unmigrated = filled.replace(', "RuntimeFlags"', "");
    expect(validateEnvironment(unmigrated, "local", null)).toContain(
      "Durable Object class RuntimeFlags is in no [[migrations]] new_sqlite_classes",
    );
  });
});

describe("wrangler.toml: the audit trail reaches Workers Logs and Logpush", () => {
  type Section = { logpush?: unknown; observability?: { enabled?: unknown }; env?: Record<string, Section> };
  const config = parse(toml) as Section;

  it.each(["staging", "production"])(
    "[env.%s] sends Trace Events to Logpush, with Workers Logs on",
    (env) => {
      const section = config.env?.[env];
      expect(section?.logpush).toBe(true);
      // `observability` is inherited from the top level unless the environment overrides it.
      expect((section?.observability ?? config.observability)?.enabled).toBe(true);
    },
  );

  it("npm run validate names an environment without logpush or Workers Logs", () => {
    const filled = toml.replaceAll(/REPLACE_ME_[A-Z_]+/g, "0123456789abcdef");
    const noLogpush = filled.replace(/(\[env\.production\][^[]*?)logpush = true\n/, "$1");
    expect(noLogpush).not.toBe(filled);
    expect(validateEnvironment(noLogpush, "production", ["JWT_SECRET_KEY"])).toContain(
      "logpush = true is missing in [env.production]: Logpush would not carry the audit lines",
    );
    const noLogs = filled.replace("[observability]\nenabled = true", "[observability]\nenabled = false");
    expect(validateEnvironment(noLogs, "staging", ["JWT_SECRET_KEY"])).toContain(
      "[observability] enabled = true is missing for [env.staging]: Workers Logs would drop the audit lines",
    );
  });

  it("checks VECTOR_BACKEND=vectorize against the environment's vectorize bindings and settings", () => {
    const filled = toml.replaceAll(/REPLACE_ME_[A-Z_]+/g, "0123456789abcdef");
    const vectorize = filled.replace(
      /# VECTOR_BACKEND = "vectorize"\n# (VECTORIZE_ACCOUNT_ID = "[^"]+")\n# (VECTORIZE_INDEX_NAME_TEMPLATE = "lightrag-edge-\{namespace\}-production")/,
      'VECTOR_BACKEND = "vectorize"\n$1\n$2',
    );
    expect(vectorize).not.toBe(filled);
    expect(validateEnvironment(vectorize, "production", ["JWT_SECRET_KEY", "VECTORIZE_API_TOKEN"])).toEqual(
      [],
    );
    expect(validateEnvironment(vectorize, "production", ["JWT_SECRET_KEY"])).toContain(
      "config: VECTORIZE_API_TOKEN: is required when VECTOR_BACKEND=vectorize (wrangler secret put VECTORIZE_API_TOKEN)",
    );
    const noChunks = vectorize.replace(
      /\[\[env\.production\.vectorize\]\]\nbinding = "VECTORIZE_CHUNKS"\nindex_name = "[^"]+"\n/,
      "",
    );
    expect(validateEnvironment(noChunks, "production", ["JWT_SECRET_KEY", "VECTORIZE_API_TOKEN"])).toContain(
      "config: VECTORIZE_CHUNKS: binding missing (VECTOR_BACKEND=vectorize needs a [[vectorize]] binding named VECTORIZE_CHUNKS)",
    );
  });
});
