/** Types of the test-only bindings added in vitest.config.ts. */
import type { D1Migration } from "cloudflare:test";
import type { Bindings } from "../src/env";
import type { PgMigration } from "../src/storage/neon/migrate";

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      TEST_MIGRATIONS: D1Migration[];
      /** migrations-pg/, applied to the local Postgres by the Postgres tests. */
      TEST_PG_MIGRATIONS: PgMigration[];
      /** Vars and secrets, as in `src/env.ts`. */
      [name: string]: unknown;
    }
  }
}
