/** drizzle-kit: generates D1 migrations into migrations/, which wrangler applies (`migrations_dir`). */
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/storage/d1/schema*.ts",
  out: "./migrations",
});
