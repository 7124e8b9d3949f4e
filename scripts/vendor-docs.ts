/**
 * Copies Swagger UI (the npm package swagger-ui-dist, pinned in package.json) into
 * public/vendor/swagger-ui/, where Workers static assets serve it to `/docs`: the docs page loads
 * nothing from a CDN. Run by `npm start`, `npm run deploy` and `npm run vendor:docs`;
 * public/vendor/ is generated (git and biome ignore it).
 */
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** The files the docs page loads (the bundle carries its own presets); the licence goes along. */
const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE", "NOTICE"];

const require = createRequire(import.meta.url);
const source = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const target = path.join(import.meta.dirname, "..", "public", "vendor", "swagger-ui");

mkdirSync(target, { recursive: true });
for (const file of FILES) copyFileSync(path.join(source, file), path.join(target, file));
console.log(`swagger-ui-dist copied to ${path.relative(process.cwd(), target)}`);
