/**
 * The account stores as one pair, as the composition root hands them out (`services.accounts`):
 * the directory (users, workspaces, memberships) and the credential tables (sessions,
 * revocations, API keys), both on D1 or both on Postgres, as STORAGE_BACKEND says.
 */
import type { CredentialStore } from "./credentials";
import type { AccountDirectory } from "./directory";

export interface AccountStores {
  directory: AccountDirectory;
  credentials: CredentialStore;
}
