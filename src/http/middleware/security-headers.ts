/** Security headers on every response the Worker writes (static assets get theirs from public/_headers). */
import { secureHeaders } from "hono/secure-headers";

const TWO_YEARS_SECONDS = 2 * 365 * 24 * 60 * 60;

export const securityHeaders = secureHeaders({
  strictTransportSecurity: `max-age=${TWO_YEARS_SECONDS}; includeSubDomains`,
  xContentTypeOptions: "nosniff",
  xFrameOptions: "DENY",
  referrerPolicy: "strict-origin-when-cross-origin",
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  crossOriginResourcePolicy: "same-origin",
  xXssProtection: "0",
  permissionsPolicy: {},
});
