/**
 * The one global Durable Object holding runtime flag overrides and per-workspace read-only
 * locks. It is read rarely (isolates cache its state for FLAGS_CACHE_SECONDS), so a single
 * object is not a hot spot; its storage is strongly consistent, so every change is ordered.
 */
import { DurableObject } from "cloudflare:workers";
import { EMPTY_FLAGS_STATE, FLAG_NAMES, type FlagName, type FlagsState, type WorkspaceLock } from "./names";

const STATE_KEY = "state";

/** The name of the single instance (`idFromName`). */
export const FLAGS_OBJECT_NAME = "global";

export interface FlagsChange {
  /** true/false sets an override, null removes it. */
  flags?: Partial<Record<FlagName, boolean | null>>;
  /** Workspace → lock it (a lock description) or unlock it (null). */
  locks?: Record<string, WorkspaceLock | null>;
  by: string;
}

export class RuntimeFlags extends DurableObject {
  /** The stored overrides and locks. */
  async read(): Promise<FlagsState> {
    return (await this.ctx.storage.get<FlagsState>(STATE_KEY)) ?? EMPTY_FLAGS_STATE;
  }

  /** Applies `change` atomically (the object runs one call at a time) and returns the new state. */
  async change(change: FlagsChange): Promise<FlagsState> {
    const current = await this.read();
    const overrides = { ...current.overrides };
    for (const name of FLAG_NAMES) {
      const value = change.flags?.[name];
      if (value === null) delete overrides[name];
      else if (typeof value === "boolean") overrides[name] = value;
    }
    const workspaceLocks = { ...current.workspaceLocks };
    for (const [workspace, lock] of Object.entries(change.locks ?? {})) {
      if (lock === null) delete workspaceLocks[workspace];
      else workspaceLocks[workspace] = lock;
    }
    const next: FlagsState = {
      overrides,
      workspaceLocks,
      updatedAt: new Date().toISOString(),
      updatedBy: change.by,
    };
    await this.ctx.storage.put(STATE_KEY, next);
    return next;
  }
}
