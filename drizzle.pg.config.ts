/**
 * drizzle-kit for the Postgres backend (STORAGE_BACKEND=neon): generates migrations-pg/ from
 * src/storage/neon/schema*.ts (`npm run db:generate:pg`); src/storage/neon/migrate.ts applies them.
 */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/storage/neon/schema*.ts",
  out: "./migrations-pg",
});
