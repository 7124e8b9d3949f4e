import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Job {
  needs?: string | string[];
  if?: string;
  environment?: { name: string };
  steps: { run?: string; uses?: string }[];
}

const workflow = parse(readFileSync(".github/workflows/release.yml", "utf8")) as {
  jobs: Record<string, Job>;
};
const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> })
  .scripts;
const runs = (job: string) => (workflow.jobs[job]?.steps ?? []).map((step) => step.run ?? "").join("\n");

describe("release workflow", () => {
  it("chains validate → staging → staging health → production behind the production environment", () => {
    expect(workflow.jobs["deploy-staging"]?.needs).toBe("validate");
    expect(workflow.jobs["staging-health"]?.needs).toBe("deploy-staging");
    expect(workflow.jobs["deploy-production"]?.needs).toBe("staging-health");
    expect(workflow.jobs["deploy-production"]?.environment?.name).toBe("production");
    expect(workflow.jobs["deploy-staging"]?.if).toContain("refs/tags/v");
  });

  it("runs the quality gates and only npm scripts that exist", () => {
    expect(runs("validate")).toMatch(
      /npm run lint[\s\S]*npm run typecheck[\s\S]*npm run test:coverage[\s\S]*npm run security/,
    );
    for (const job of Object.keys(workflow.jobs)) {
      for (const [, name] of runs(job).matchAll(/npm run ([\w:-]+)/g))
        expect(scripts, `${job}: ${name}`).toHaveProperty(name as string);
    }
  });

  it("has the operator commands of the guidelines as npm scripts", () => {
    for (const name of [
      "status",
      "health-check",
      "logs",
      "deploy",
      "deploy:staging",
      "deploy:production",
      "rollback",
      "quality",
      "security",
      "test:coverage",
      "bench",
      "db:backup",
      "validate",
      "canary",
    ]) {
      expect(scripts, name).toHaveProperty(name);
    }
    expect(scripts.rollback).toContain("scripts/rollback.ts");
    expect(scripts.logs).toBe("wrangler tail --format json");
  });
});
