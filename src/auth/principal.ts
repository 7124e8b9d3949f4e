/** Who is making a request, as established by the auth middleware and read everywhere else. */

/** Roles from least to most privileged. */
export type Role = "viewer" | "user" | "admin";

export interface Principal {
  /** Stable user id, `"guest"` in open mode, or the API key's owner. */
  userId: string;
  role: Role;
  /** The workspace the principal acts in; tenant data never crosses it. */
  workspace: string;
  /** How the identity was proven. */
  via: "jwt" | "api_key" | "open";
  /** JWT `jti` or API key id, for audit records. */
  sessionId?: string;
}
