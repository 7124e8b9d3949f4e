/**
 * What a password must be before it is hashed: NFKC-normalised (so the same characters typed
 * on two keyboards match), 12–128 characters, not a well-known leaked password, not the username.
 */
import { AppError } from "../http/errors";
import { COMMON_PASSWORDS } from "./common-passwords";

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

/** The form every password is hashed and verified in. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

/** Length in characters as a person counts them (code points), not UTF-16 units. */
function characterCount(text: string): number {
  return [...text].length;
}

/**
 * Returns the reasons `password` is refused; empty when it is acceptable.
 *
 * @example
 * passwordProblems("password1234", "ann") // ["is one of the most common passwords"]
 */
export function passwordProblems(password: string, username?: string): string[] {
  const normalized = normalizePassword(password);
  const length = characterCount(normalized);
  const problems: string[] = [];
  if (length < MIN_PASSWORD_LENGTH) problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (length > MAX_PASSWORD_LENGTH) problems.push(`must be at most ${MAX_PASSWORD_LENGTH} characters`);
  const lower = normalized.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) problems.push("is one of the most common passwords");
  if (username && lower.includes(username.toLowerCase()) && username.length >= 4) {
    problems.push("must not contain the username");
  }
  return problems;
}

/** Throws a 422 naming the field when `password` breaks the policy; returns its normalised form. */
export function acceptablePassword(
  password: string,
  username: string | undefined,
  field = "password",
): string {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) {
    throw new AppError(422, "validation_error", `${field} ${problems.join("; ")}`, {
      details: problems.map((message) => ({ path: [field], message })),
    });
  }
  return normalizePassword(password);
}
