/**
 * The `/docs` page: Swagger UI from the Worker's own static assets (public/vendor/swagger-ui/,
 * copied from the swagger-ui-dist package by scripts/vendor-docs.ts) started by
 * public/docs-init.js, so the page needs no inline script and no CDN. Its Content-Security-Policy
 * (security-headers.ts) allows exactly those same-origin files and being framed by the same
 * origin (LightRAG's WebUI shows `/docs?theme=light` in an iframe).
 */

/** `?theme=dark` switches the page to dark colours; anything else is LightRAG's default light. */
export type DocsTheme = "light" | "dark";

/**
 * The HTML of the reference page.
 *
 * @example
 * docsPage("light"); // "<!doctype html>…"
 */
export function docsPage(theme: DocsTheme): string {
  return `<!doctype html>
<html lang="en" data-theme="${theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>lightrag-edge API reference</title>
<link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css">
<link rel="stylesheet" href="/docs-theme.css">
</head>
<body>
<div id="swagger-ui" data-spec-url="/openapi.json"></div>
<script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/docs-init.js"></script>
</body>
</html>
`;
}
