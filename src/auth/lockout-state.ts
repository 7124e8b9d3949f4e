/**
 * The lockout rules of one username as pure functions over its stored state (the `LoginGuard`
 * Durable Object only loads, calls and saves). Following OWASP's advice against lockout abuse:
 *
 * - a client is its address prefix (IPv6 /64, IPv4 address), or, when it presents a device
 *   cookie this account issued, that device;
 * - an unknown client is charged to its prefix (`maxPerClient`) and to the account's budget of
 *   unknown clients (`maxPerAccount`); spending either locks it for `durationMs`;
 * - a known device is charged to itself alone (`maxPerClient`): failures of other clients never
 *   lock it, and a stolen cookie guesses no faster than one prefix does;
 * - every attempt is charged *before* the password is checked and refunded when it was right,
 *   so concurrent guesses cannot slip past the budget between the check and the count.
 */

export interface LockoutLimits {
  /** Failures within the window that lock one prefix, or one device. */
  maxPerClient: number;
  /** Failures of all unknown clients together within the window that lock them all out. */
  maxPerAccount: number;
  windowMs: number;
  durationMs: number;
}

/** Who is trying: the address prefix always; the SHA-256 of a presented device cookie, if any. */
export interface LoginClient {
  prefix: string;
  device?: string | undefined;
}

export interface LockStatus {
  locked: boolean;
  /** Whole seconds until the lock ends; 0 when not locked. */
  retryAfterSeconds: number;
  /** Which lock applies, for the audit record. */
  scope?: "address" | "account" | "device";
}

/** What an allowed attempt was charged to, so that its outcome settles the same charge. */
export interface Ticket {
  at: number;
  prefix: string;
  /** The known device the attempt was charged to; absent when charged to prefix and account. */
  device?: string | undefined;
  /** The cookie hash the client presented (known or not): replaced by a new one on success. */
  presented?: string | undefined;
}

export interface Attempt {
  status: LockStatus;
  /** Present when the attempt may go ahead. */
  ticket?: Ticket;
}

/** A device cookie to remember after a good password. */
export interface NewDevice {
  hash: string;
  expiresAt: number;
}

interface Bucket {
  failures: number[];
  lockedUntil: number;
}

interface Device extends Bucket {
  expiresAt: number;
  lastSeen: number;
}

export interface GuardState {
  /** Failures (and attempts still in flight) of unknown clients: the account's budget. */
  untrusted: number[];
  untrustedLockedUntil: number;
  prefixes: Record<string, Bucket>;
  /** Device cookies this account issued, by SHA-256 of the cookie value. */
  devices: Record<string, Device>;
  /** When every failure has left the window, every lock has ended and every device expired. */
  forgetAt: number;
}

/** The most devices one account remembers; the least recently used one goes first. */
export const MAX_DEVICES_PER_ACCOUNT = 32;

const OPEN: LockStatus = { locked: false, retryAfterSeconds: 0 };

export function emptyState(): GuardState {
  return {
    untrusted: [],
    untrustedLockedUntil: 0,
    prefixes: dictionary(),
    devices: dictionary(),
    forgetAt: 0,
  };
}

/**
 * A map keyed by client-supplied text (address tokens, cookie hashes) with no prototype, so a
 * key such as `__proto__` or `constructor` is an entry like any other. Storage hands back plain
 * objects, hence the copy on every read.
 *
 * @example
 * dictionary({ "__proto__": bucket })["__proto__"]; // bucket, not Object.prototype
 */
function dictionary<T>(from: Record<string, T> = {}): Record<string, T> {
  const map = Object.create(null) as Record<string, T>;
  for (const [key, value] of Object.entries(from)) map[key] = value;
  return map;
}

/** Reads what storage holds, including the shape written before device cookies existed. */
export function normalizeState(stored: unknown): GuardState {
  if (typeof stored !== "object" || stored === null) return emptyState();
  const old = stored as Partial<GuardState> & {
    accountFailures?: number[];
    accountLockedUntil?: number;
    addresses?: Record<string, Bucket>;
  };
  return {
    untrusted: old.untrusted ?? old.accountFailures ?? [],
    untrustedLockedUntil: old.untrustedLockedUntil ?? old.accountLockedUntil ?? 0,
    // Raw addresses of the old shape age out like any prefix within one lock duration.
    prefixes: dictionary(old.prefixes ?? old.addresses),
    devices: dictionary(old.devices),
    forgetAt: old.forgetAt ?? 0,
  };
}

/**
 * Whether a login from `client` must be refused right now.
 *
 * @example
 * statusOf(state, { prefix: "2001:db8:0:0::/64" }, limits, Date.now()); // { locked: false, … }
 */
export function statusOf(
  state: GuardState,
  client: LoginClient,
  limits: LockoutLimits,
  now: number,
): LockStatus {
  const since = now - limits.windowMs;
  const device = knownDevice(state, client.device, now);
  if (device) return lockOf([["device", device, limits.maxPerClient]], since, limits.windowMs, now);
  const prefix = state.prefixes[client.prefix] ?? { failures: [], lockedUntil: 0 };
  const account = { failures: state.untrusted, lockedUntil: state.untrustedLockedUntil };
  return lockOf(
    [
      ["account", account, limits.maxPerAccount],
      ["address", prefix, limits.maxPerClient],
    ],
    since,
    limits.windowMs,
    now,
  );
}

/** Charges an attempt to its budget unless the client is locked; the ticket settles it later. */
export function begin(state: GuardState, client: LoginClient, limits: LockoutLimits, now: number): Attempt {
  const status = statusOf(state, client, limits, now);
  if (status.locked) return { status };
  prune(state, now - limits.windowMs, now);
  const device = charge(state, client, now);
  state.forgetAt = forgetAt(state, limits.windowMs);
  return { status, ticket: { at: now, prefix: client.prefix, device, presented: client.device } };
}

/** A wrong password: the charge stays a failure, and a spent budget becomes a lock. */
export function fail(state: GuardState, ticket: Ticket, limits: LockoutLimits, now: number): LockStatus {
  const since = now - limits.windowMs;
  const until = now + limits.durationMs;
  const device = ticket.device ? state.devices[ticket.device] : undefined;
  if (device) {
    if (inWindow(device.failures, since) >= limits.maxPerClient) device.lockedUntil = until;
  } else {
    const prefix = state.prefixes[ticket.prefix];
    if (prefix && inWindow(prefix.failures, since) >= limits.maxPerClient) prefix.lockedUntil = until;
    if (inWindow(state.untrusted, since) >= limits.maxPerAccount) state.untrustedLockedUntil = until;
  }
  state.forgetAt = forgetAt(state, limits.windowMs);
  return statusOf(state, { prefix: ticket.prefix, device: ticket.device }, limits, now);
}

/** A failure without an attempt before it (a wrong current password when changing it). */
export function failure(
  state: GuardState,
  client: LoginClient,
  limits: LockoutLimits,
  now: number,
): LockStatus {
  const device = charge(state, client, now);
  const ticket: Ticket = { at: now, prefix: client.prefix, device };
  return fail(state, ticket, limits, now);
}

/**
 * The right password: the attempt is refunded, the client's own earlier failures forgiven (the
 * other clients' stay counted), and the presented cookie replaced by `remember`, if given.
 */
export function succeed(
  state: GuardState,
  ticket: Ticket,
  remember: NewDevice | undefined,
  windowMs: number,
  now: number,
): void {
  const device = ticket.device ? state.devices[ticket.device] : undefined;
  if (device) {
    device.failures = [];
    device.lastSeen = now;
  } else {
    removeOne(state.untrusted, ticket.at);
    delete state.prefixes[ticket.prefix];
  }
  if (remember) {
    // Rotated on every login (OWASP): a planted or stolen value dies with the owner's next login.
    if (ticket.presented) delete state.devices[ticket.presented];
    state.devices[remember.hash] = {
      failures: [],
      lockedUntil: 0,
      expiresAt: remember.expiresAt,
      lastSeen: now,
    };
    evictDevices(state);
  }
  prune(state, now - windowMs, now);
  state.forgetAt = forgetAt(state, windowMs);
}

/** Administrator unlock: every failure and lock goes; the known devices stay known. */
export function unlocked(state: GuardState): GuardState {
  const next: GuardState = { ...emptyState(), devices: state.devices };
  for (const device of Object.values(next.devices)) {
    device.failures = [];
    device.lockedUntil = 0;
  }
  next.forgetAt = forgetAt(next, 0);
  return next;
}

/** Whether storage has nothing left worth keeping (no failure, no lock, no device). */
export function isEmpty(state: GuardState): boolean {
  return (
    state.untrusted.length === 0 &&
    state.untrustedLockedUntil <= 0 &&
    Object.keys(state.prefixes).length === 0 &&
    Object.keys(state.devices).length === 0
  );
}

/**
 * Spends one unit of the client's budget: its known device's, else its prefix's and the
 * account's. Returns the device charged, if any.
 */
function charge(state: GuardState, client: LoginClient, now: number): string | undefined {
  const device = knownDevice(state, client.device, now);
  if (device) {
    device.failures.push(now);
    return client.device;
  }
  const prefix = state.prefixes[client.prefix] ?? { failures: [], lockedUntil: 0 };
  prefix.failures.push(now);
  state.prefixes[client.prefix] = prefix;
  state.untrusted.push(now);
  return undefined;
}

function knownDevice(state: GuardState, hash: string | undefined, now: number): Device | undefined {
  if (!hash) return undefined;
  const device = state.devices[hash];
  return device && device.expiresAt > now ? device : undefined;
}

type Limit = [NonNullable<LockStatus["scope"]>, Bucket, number];

/**
 * Locked while a lock runs, or while the budget is spent by failures and attempts in flight
 * (then until the oldest of them leaves the window).
 */
function lockOf(limits: Limit[], since: number, windowMs: number, now: number): LockStatus {
  let best: { scope: Limit[0]; until: number } | undefined;
  for (const [scope, bucket, max] of limits) {
    const recent = bucket.failures.filter((at) => at > since).sort((a, b) => a - b);
    let until = bucket.lockedUntil;
    if (recent.length >= max) until = Math.max(until, (recent[recent.length - max] ?? now) + windowMs);
    if (until > now && (!best || until > best.until)) best = { scope, until };
  }
  if (!best) return OPEN;
  return {
    locked: true,
    retryAfterSeconds: Math.max(1, Math.ceil((best.until - now) / 1000)),
    scope: best.scope,
  };
}

function inWindow(failures: number[], since: number): number {
  return failures.filter((at) => at > since).length;
}

function removeOne(list: number[], value: number): void {
  const index = list.indexOf(value);
  if (index >= 0) list.splice(index, 1);
}

/** Drops failures older than the window, idle prefixes and expired devices. */
function prune(state: GuardState, since: number, now: number): void {
  state.untrusted = state.untrusted.filter((at) => at > since);
  for (const [key, entry] of Object.entries(state.prefixes)) {
    entry.failures = entry.failures.filter((at) => at > since);
    if (entry.failures.length === 0 && entry.lockedUntil <= now) delete state.prefixes[key];
  }
  for (const [key, entry] of Object.entries(state.devices)) {
    entry.failures = entry.failures.filter((at) => at > since);
    if (entry.expiresAt <= now) delete state.devices[key];
  }
}

function evictDevices(state: GuardState): void {
  const entries = Object.entries(state.devices);
  if (entries.length <= MAX_DEVICES_PER_ACCOUNT) return;
  entries.sort(([, a], [, b]) => a.lastSeen - b.lastSeen);
  for (const [key] of entries.slice(0, entries.length - MAX_DEVICES_PER_ACCOUNT)) delete state.devices[key];
}

function forgetAt(state: GuardState, windowMs: number): number {
  const buckets: Bucket[] = [...Object.values(state.prefixes), ...Object.values(state.devices)];
  const lastFailure = Math.max(0, ...state.untrusted, ...buckets.flatMap((bucket) => bucket.failures));
  const lastLock = Math.max(state.untrustedLockedUntil, ...buckets.map((bucket) => bucket.lockedUntil));
  const lastDevice = Math.max(0, ...Object.values(state.devices).map((device) => device.expiresAt));
  return Math.max(lastFailure + windowMs, lastLock, lastDevice) + 1000;
}
