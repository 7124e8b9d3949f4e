/**
 * Secret values the tests push through the service on purpose. The suite-wide log scan
 * (test/node/log-secrets.ts) fails the run if any of them reaches a log line.
 */
export const CANARY_SECRETS = {
  password: "Canary-Passw0rd-7f3a9c",
  apiKey: "lrk_canary_api_key_5d1e0b7a",
  cookie: "session=canary-cookie-3b8e2d",
  bearer: "canary-bearer-token-91c4f6",
  metricsToken: "canary-metrics-token-0a7d3e5b9c",
  refreshToken: "canary-refresh-token-6e2f8a",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.Y2FuYXJ5LXNpZ25hdHVyZQ",
  /** A password typed into the username field of a login (lower case: usernames are lowered). */
  passwordAsUsername: "canary-typed-into-username-4e8b1d",
} as const;
