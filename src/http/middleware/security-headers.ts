/**
 * Security headers on every response the Worker writes (static assets get theirs from
 * public/_headers). Nothing may frame the API, except the `/docs` page, which LightRAG's WebUI
 * shows in an iframe of the same origin; its CSP allows exactly what Swagger UI needs: its
 * same-origin script and styles (public/vendor/swagger-ui/, public/docs-*), `data:` images
 * (the icons in its stylesheet) and requests to this origin (the spec and "Try it out").
 */
import type { MiddlewareHandler } from "hono";
import { type SecureHeadersVariables, secureHeaders } from "hono/secure-headers";

const TWO_YEARS_SECONDS = 2 * 365 * 24 * 60 * 60;

const common = {
  strictTransportSecurity: `max-age=${TWO_YEARS_SECONDS}; includeSubDomains`,
  xContentTypeOptions: "nosniff",
  referrerPolicy: "strict-origin-when-cross-origin",
  crossOriginResourcePolicy: "same-origin",
  xXssProtection: "0",
  permissionsPolicy: {},
} as const;

const apiHeaders = secureHeaders({
  ...common,
  xFrameOptions: "DENY",
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
});

/** The page served at this path may be framed by the same origin. */
export const DOCS_PAGE_PATH = "/docs";

const docsHeaders = secureHeaders({
  ...common,
  xFrameOptions: "SAMEORIGIN",
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'self'"],
  },
});

export const securityHeaders: MiddlewareHandler<{ Variables: SecureHeadersVariables }> = (c, next) =>
  c.req.path === DOCS_PAGE_PATH ? docsHeaders(c, next) : apiHeaders(c, next);
