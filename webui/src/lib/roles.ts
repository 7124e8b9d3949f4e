/** Role ranks as the service orders them (viewer < user < admin); guests act as admin. */

const RANK: Record<string, number> = { viewer: 1, user: 2, admin: 3 };

/**
 * True when `role` is at least `min`.
 *
 * @example
 * roleAtLeast("admin", "user"); // true
 */
export function roleAtLeast(role: string, min: "viewer" | "user" | "admin"): boolean {
  return (RANK[role] ?? 0) >= (RANK[min] ?? 99);
}
