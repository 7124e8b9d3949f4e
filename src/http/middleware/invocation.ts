/**
 * Binds the request's `waitUntil` as the invocation's background runner (src/runtime/background.ts),
 * so isolate-wide clients (LLM usage accounting) can hand work off without the request waiting.
 */
import type { MiddlewareHandler } from "hono";
import { requestWaitUntil } from "../../observability/request-context";
import { runInInvocation } from "../../runtime/background";
import type { AppEnv } from "../app-env";

export const invocationScope: MiddlewareHandler<AppEnv> = (c, next) =>
  runInInvocation(requestWaitUntil(c), next);
