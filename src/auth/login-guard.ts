/**
 * Login lockout, one Durable Object per username (strongly consistent, unlike the rate-limit
 * binding). It counts failed logins per client address and for the account as a whole inside
 * a sliding window: too many from one address locks that address out of the account; too many
 * from all addresses together locks the account. Locks end by themselves or by an admin unlock.
 */
import { DurableObject } from "cloudflare:workers";

export interface LockoutLimits {
  /** Failures from one address within the window that lock the address out. */
  maxPerAddress: number;
  /** Failures from all addresses within the window that lock the account. */
  maxPerAccount: number;
  windowMs: number;
  durationMs: number;
}

export interface LockStatus {
  locked: boolean;
  /** Whole seconds until the lock ends; 0 when not locked. */
  retryAfterSeconds: number;
  /** Which lock applies, for the audit record. */
  scope?: "address" | "account";
}

interface GuardState {
  accountFailures: number[];
  accountLockedUntil: number;
  addresses: Record<string, { failures: number[]; lockedUntil: number }>;
  /** When every failure has left the window and every lock has ended. */
  forgetAt: number;
}

const STATE_KEY = "state";
const OPEN: LockStatus = { locked: false, retryAfterSeconds: 0 };

function emptyState(): GuardState {
  return { accountFailures: [], accountLockedUntil: 0, addresses: {}, forgetAt: 0 };
}

export class LoginGuard extends DurableObject {
  private async read(): Promise<GuardState> {
    return (await this.ctx.storage.get<GuardState>(STATE_KEY)) ?? emptyState();
  }

  /** Whether a login for this username from `address` must be refused right now. */
  async status(address: string, now: number): Promise<LockStatus> {
    return statusOf(await this.read(), address, now);
  }

  /** Records a failed login and returns the status that follows from it. */
  async failure(address: string, limits: LockoutLimits, now: number): Promise<LockStatus> {
    const state = await this.read();
    const since = now - limits.windowMs;
    state.accountFailures = [...state.accountFailures.filter((at) => at > since), now];
    const entry = state.addresses[address] ?? { failures: [], lockedUntil: 0 };
    entry.failures = [...entry.failures.filter((at) => at > since), now];
    if (entry.failures.length >= limits.maxPerAddress) entry.lockedUntil = now + limits.durationMs;
    if (state.accountFailures.length >= limits.maxPerAccount)
      state.accountLockedUntil = now + limits.durationMs;
    state.addresses[address] = entry;
    prune(state, since, now);
    state.forgetAt = forgetAt(state, limits.windowMs);
    await this.ctx.storage.put(STATE_KEY, state);
    await this.ctx.storage.setAlarm(state.forgetAt);
    return statusOf(state, address, now);
  }

  /** A good password: the address's failures are forgiven (the account-wide count stays). */
  async success(address: string): Promise<void> {
    const state = await this.read();
    if (!(address in state.addresses)) return;
    delete state.addresses[address];
    await this.ctx.storage.put(STATE_KEY, state);
  }

  /** Administrator unlock: forgets every failure and lock of this username. */
  async unlock(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  /** Nothing left to remember: drop the storage so idle usernames cost nothing. */
  override async alarm(): Promise<void> {
    const state = await this.read();
    if (Date.now() >= state.forgetAt) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(state.forgetAt);
  }
}

function statusOf(state: GuardState, address: string, now: number): LockStatus {
  const accountUntil = state.accountLockedUntil;
  const addressUntil = state.addresses[address]?.lockedUntil ?? 0;
  const until = Math.max(accountUntil, addressUntil);
  if (until <= now) return OPEN;
  return {
    locked: true,
    retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
    scope: accountUntil >= addressUntil ? "account" : "address",
  };
}

/** Drops failures older than the window and addresses with nothing left to remember. */
function prune(state: GuardState, since: number, now: number): void {
  for (const [address, entry] of Object.entries(state.addresses)) {
    entry.failures = entry.failures.filter((at) => at > since);
    if (entry.failures.length === 0 && entry.lockedUntil <= now) delete state.addresses[address];
  }
}

function forgetAt(state: GuardState, windowMs: number): number {
  const lastFailure = Math.max(0, ...state.accountFailures);
  const lastLock = Math.max(
    state.accountLockedUntil,
    ...Object.values(state.addresses).map((entry) => entry.lockedUntil),
  );
  return Math.max(lastFailure + windowMs, lastLock) + 1000;
}
