/**
 * The bindings an entry point's services call (D1 and the Durable Objects of the graph index,
 * vector index and coordinator), paced: before a call, the invocation's pacer
 * (src/storage/pace.ts) pauses 1 ms once 20 ms have passed since its last pause.
 *
 * Why here, at the composition root: on the local runtime every one of those calls completes
 * in-process on the one workerd thread, so 100 requests in flight (or one queue batch) keep the
 * event queue busy and workerd polls no socket, not even its timers, until every one of them is
 * done; connections idle for 5 s meanwhile are reset and wrangler's proxy answers 503
 * (docs/operations.md, "Why wrangler dev answers 503"). Paced, every chain parks on a timer at
 * its next call, the queue empties and workerd reads its sockets. Wrapping the bindings once
 * here covers every store without touching them. In production each call is network I/O and a
 * pause costs ≈ 1 ms per 20 ms of an invocation's wall time.
 */
import type { Bindings } from "../env";
import { createPacer, type Pace } from "../storage/pace";

type Fn = (...args: unknown[]) => unknown;

/** Methods of a D1 statement that run it (the rest only build it). */
const D1_RUNS = new Set(["all", "run", "raw", "first"]);

/**
 * `db` whose statements pace before they run; `batch` takes the paced statements (and hands
 * the binding its own).
 *
 * @example
 * const db = pacedD1(env.DB, createPacer());
 * await db.prepare("SELECT 1").first(); // may pause 1 ms first
 */
export function pacedD1(db: D1Database, pace: Pace): D1Database {
  const own = new WeakMap<object, D1PreparedStatement>();
  const statement = (inner: D1PreparedStatement): D1PreparedStatement => {
    const outer = new Proxy(inner, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof value !== "function") return value;
        const method = value as Fn;
        if (prop === "bind")
          return (...args: unknown[]) => statement(method.apply(target, args) as D1PreparedStatement);
        if (typeof prop === "string" && D1_RUNS.has(prop))
          return async (...args: unknown[]) => {
            await pace();
            return method.apply(target, args);
          };
        return method.bind(target);
      },
    });
    own.set(outer, inner);
    return outer;
  };
  return new Proxy(db, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const method = value as Fn;
      if (prop === "prepare") return (sql: string) => statement(target.prepare(sql));
      if (prop === "batch")
        return async (statements: D1PreparedStatement[]) => {
          await pace();
          return target.batch(statements.map((s) => own.get(s) ?? s));
        };
      if (prop === "exec")
        return async (sql: string) => {
          await pace();
          return target.exec(sql);
        };
      return method.bind(target);
    },
  });
}

/**
 * `namespace` whose stubs pace before each method call (an RPC call or `fetch`). Property
 * reads, `then` and symbols pass through, so a stub is still a stub.
 *
 * @example
 * const coordinators = pacedNamespace(env.COORDINATOR, createPacer());
 * await coordinators.get(coordinators.idFromName("default")).ping();
 */
export function pacedNamespace<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  pace: Pace,
): DurableObjectNamespace<T> {
  const stub = (inner: DurableObjectStub<T>): DurableObjectStub<T> =>
    new Proxy(inner, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (typeof prop === "symbol" || prop === "then" || typeof value !== "function") return value;
        return async (...args: unknown[]) => {
          await pace();
          // Called on the stub itself: an RPC method taken off its stub does not call the same way.
          return (target as unknown as Record<string, Fn>)[prop]?.(...args);
        };
      },
    });
  return new Proxy(namespace, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      const method = value as Fn;
      if (prop === "get")
        return (...args: unknown[]) => stub(method.apply(target, args) as DurableObjectStub<T>);
      return method.bind(target);
    },
  });
}

/**
 * `env` with DB, GRAPH_INDEX, VECTOR_INDEX and COORDINATOR paced by one pacer of this
 * invocation (its chains park together); every other binding as it is.
 *
 * @example
 * const paced = pacedBindings(env); // in createServices, before any store is built
 */
export function pacedBindings<E extends Bindings>(env: E): E {
  const pace = createPacer();
  // A binding a deployment (or a test) leaves out stays out.
  return {
    ...env,
    DB: env.DB && pacedD1(env.DB, pace),
    GRAPH_INDEX: env.GRAPH_INDEX && pacedNamespace(env.GRAPH_INDEX, pace),
    VECTOR_INDEX: env.VECTOR_INDEX && pacedNamespace(env.VECTOR_INDEX, pace),
    COORDINATOR: env.COORDINATOR && pacedNamespace(env.COORDINATOR, pace),
  };
}
