/**
 * Login lockout, one Durable Object per username (strongly consistent, unlike the rate-limit
 * binding). It loads the username's state, applies one rule of `lockout-state.ts` and saves it,
 * all inside one call, so concurrent logins are counted one after the other. Failures count per
 * address prefix and for unknown clients together; a device cookie the account issued has its
 * own budget and is not locked by anyone else (see docs/security.md, "Login lockout and device
 * cookies"). The object deletes its storage once nothing is left to remember.
 */
import { DurableObject } from "cloudflare:workers";
import {
  type Attempt,
  begin,
  fail,
  failure,
  type GuardState,
  isEmpty,
  type LockoutLimits,
  type LockStatus,
  type LoginClient,
  type NewDevice,
  normalizeState,
  statusOf,
  succeed,
  type Ticket,
  unlocked,
} from "./lockout-state";

export type { Attempt, LockoutLimits, LockStatus, LoginClient, NewDevice, Ticket } from "./lockout-state";

const STATE_KEY = "state";

export class LoginGuard extends DurableObject {
  private async read(): Promise<GuardState> {
    return normalizeState(await this.ctx.storage.get<unknown>(STATE_KEY));
  }

  private async save(state: GuardState): Promise<void> {
    if (isEmpty(state)) {
      await this.ctx.storage.deleteAll();
      return;
    }
    await this.ctx.storage.put(STATE_KEY, state);
    await this.ctx.storage.setAlarm(state.forgetAt);
  }

  /** Whether a login for this username from `client` must be refused right now (read only). */
  async status(client: LoginClient, limits: LockoutLimits, now: number): Promise<LockStatus> {
    return statusOf(await this.read(), client, limits, now);
  }

  /** Charges a login attempt before its password is checked; refused while the client is locked. */
  async begin(client: LoginClient, limits: LockoutLimits, now: number): Promise<Attempt> {
    const state = await this.read();
    const attempt = begin(state, client, limits, now);
    if (attempt.ticket) await this.save(state);
    return attempt;
  }

  /** The attempt's password was wrong; returns the status that follows from it. */
  async fail(ticket: Ticket, limits: LockoutLimits, now: number): Promise<LockStatus> {
    const state = await this.read();
    const status = fail(state, ticket, limits, now);
    await this.save(state);
    return status;
  }

  /** The attempt's password was right: refund, forgive the client, remember its new device cookie. */
  async succeed(
    ticket: Ticket,
    remember: NewDevice | undefined,
    limits: LockoutLimits,
    now: number,
  ): Promise<void> {
    const state = await this.read();
    succeed(state, ticket, remember, limits.windowMs, now);
    await this.save(state);
  }

  /** Records a failure outside a login (a wrong current password when changing it). */
  async failure(client: LoginClient, limits: LockoutLimits, now: number): Promise<LockStatus> {
    const state = await this.read();
    const status = failure(state, client, limits, now);
    await this.save(state);
    return status;
  }

  /** Administrator unlock: forgets every failure and lock of this username; devices stay known. */
  async unlock(): Promise<void> {
    await this.save(unlocked(await this.read()));
  }

  /** Nothing left to remember: drop the storage so idle usernames cost nothing. */
  override async alarm(): Promise<void> {
    const state = await this.read();
    if (Date.now() >= state.forgetAt) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(state.forgetAt);
  }
}
