/** The composition root and the per-entry-point runtime; see docs/architecture.md. */
export { type Runtime, resolveRuntime, runtimeOf, type WaitUntil } from "./runtime";
export { createServices, type Services } from "./services";
export { ragSettings } from "./settings";
