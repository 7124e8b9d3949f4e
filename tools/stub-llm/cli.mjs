#!/usr/bin/env node
/**
 * Starts the stub LLM server: `node tools/stub-llm/cli.mjs --port 8790 --latency-ms 200`.
 * Point LLM_BINDING_HOST (openai: http://127.0.0.1:8790/v1) or EMBEDDING_BINDING_HOST at it.
 */
import { parseArgs } from "node:util";
import { startStubServer } from "./server.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8790" },
    host: { type: "string", default: "127.0.0.1" },
    "latency-ms": { type: "string", default: "0" },
    "no-key": { type: "boolean", default: false },
  },
});

const server = await startStubServer({
  port: Number(values.port),
  host: values.host,
  latencyMs: Number(values["latency-ms"]),
  requireKey: !values["no-key"],
});
console.log(`stub LLM listening on ${server.url} (latency ${values["latency-ms"]} ms)`);
const stop = () => server.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
