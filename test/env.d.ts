/** Types of the test-only bindings added in vitest.config.ts. */
import type { D1Migration } from "cloudflare:test";
import type { Bindings } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      /** Vars and secrets, as in `src/env.ts`. */
      [name: string]: unknown;
    }
  }
}
