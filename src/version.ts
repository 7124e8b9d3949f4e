/** Build identity reported by the health routes and `/auth-status`. */

/** This service's own version (package.json). */
export const SERVICE_VERSION = "0.1.0";

/** LightRAG Server version whose wire format we match (LIGHTRAG_API.md §0). */
export const LIGHTRAG_CORE_VERSION = "1.5.7";

/** LightRAG's API version string, sent as `api_version` for client compatibility. */
export const LIGHTRAG_API_VERSION = "0329";
