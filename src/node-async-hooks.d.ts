/**
 * The part of `node:async_hooks` workerd provides under `nodejs_compat` that src/ uses
 * (src/runtime/background.ts); the full Node typings would leak Node globals into Worker code.
 */
declare module "node:async_hooks" {
  export class AsyncLocalStorage<T> {
    run<R>(store: T, callback: () => R): R;
    getStore(): T | undefined;
  }
}
