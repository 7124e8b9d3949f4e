/**
 * The crons the Worker has jobs for (src/pipeline/crons.ts) are exactly the crons of
 * wrangler.toml `[triggers]`, in every environment: a cron without jobs fires for nothing, a
 * job whose cron is not declared never runs. test/foundation/handler-tables.test.ts checks
 * the job table against CRONS inside workerd.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { CRONS } from "../../src/pipeline/crons";

interface Triggers {
  triggers?: { crons?: string[] };
}

const wrangler = parse(readFileSync(path.join(__dirname, "../../wrangler.toml"), "utf8")) as Triggers & {
  env?: Record<string, Triggers>;
};

describe("cron triggers", () => {
  const expected = Object.values(CRONS).sort();

  it("the top level (local development) declares exactly the crons with jobs", () => {
    expect([...(wrangler.triggers?.crons ?? [])].sort()).toEqual(expected);
  });

  it.each(["staging", "production"])("[env.%s] declares exactly the crons with jobs", (name) => {
    expect([...(wrangler.env?.[name]?.triggers?.crons ?? [])].sort()).toEqual(expected);
  });
});
