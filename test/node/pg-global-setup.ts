/**
 * Global setup of the workers-pg project: finds the local Postgres + pgvector that .ci/services
 * starts (tools/pg-local: PGlite behind pglite-socket and a WebSocket proxy) and hands its
 * address to the workerd tests through `inject("postgres")`. A missing server is passed on as an
 * error that the Postgres tests throw, so they fail loudly without taking other tests down.
 */
import { connect } from "node:net";
import type { TestProject } from "vitest/node";

export type PostgresEndpoint = { databaseUrl: string; wsProxy: string } | { error: string };

declare module "vitest" {
  export interface ProvidedContext {
    postgres: PostgresEndpoint;
  }
}

const HOST = "127.0.0.1";
const PG_PORT = Number(process.env.PG_LOCAL_PORT ?? 5433);
const WS_PORT = Number(process.env.PG_LOCAL_WS_PORT ?? 5434);

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, HOST);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

export default async function setup(project: TestProject): Promise<void> {
  const [pg, ws] = await Promise.all([reachable(PG_PORT), reachable(WS_PORT)]);
  project.provide(
    "postgres",
    pg && ws
      ? {
          databaseUrl: `postgres://postgres:postgres@${HOST}:${PG_PORT}/postgres`,
          wsProxy: `${HOST}:${WS_PORT}/v2`,
        }
      : {
          error: `local Postgres not running on ${HOST}:${PG_PORT} (ws ${WS_PORT}): run \`bash .ci/services\``,
        },
  );
}
