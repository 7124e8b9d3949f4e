/**
 * Size and media-type rules for request bodies: each route's policy names its rule
 * (`src/http/route-policy.ts`), this module says what the rule allows. 413 when a body is
 * larger than its route allows (checked on Content-Length and while streaming), 415 when its
 * Content-Type is not one the route accepts.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Config } from "../../config";
import type { AppEnv } from "../app-env";
import { AppError } from "../errors";
import type { BodyRule } from "../route-policy";
import { routePolicyOf } from "./route-policy";

const JSON_TYPE = "application/json";
const FORM_TYPE = "application/x-www-form-urlencoded";
const MULTIPART_TYPE = "multipart/form-data";
/** Multipart framing (boundaries, part headers) on top of the file itself. */
const MULTIPART_SLACK_BYTES = 64 * 1024;

export interface BodyPolicy {
  maxBytes: number;
  mediaTypes: readonly string[];
}

/**
 * What a body rule allows: large text routes, uploads and form logins differ from the JSON default.
 *
 * @example
 * bodyPolicyFor("text", config); // { maxBytes: config.MAX_TEXT_BODY_BYTES, mediaTypes: ["application/json"] }
 */
export function bodyPolicyFor(rule: BodyRule, config: Config): BodyPolicy {
  switch (rule) {
    case "upload":
      return { maxBytes: config.MAX_UPLOAD_SIZE + MULTIPART_SLACK_BYTES, mediaTypes: [MULTIPART_TYPE] };
    case "text":
      return { maxBytes: config.MAX_TEXT_BODY_BYTES, mediaTypes: [JSON_TYPE] };
    case "form":
      return { maxBytes: config.MAX_REQUEST_BODY_BYTES, mediaTypes: [FORM_TYPE, MULTIPART_TYPE] };
    case "json":
      return { maxBytes: config.MAX_REQUEST_BODY_BYTES, mediaTypes: [JSON_TYPE] };
  }
}

/** The media type of a Content-Type header without its parameters, lower-cased. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

function hasBody(request: Request): boolean {
  if (request.body === null) return false;
  const length = request.headers.get("content-length");
  return length === null || Number(length) > 0;
}

export const bodyPolicy: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!hasBody(c.req.raw)) return next();
  const policy = bodyPolicyFor(routePolicyOf(c).body, c.get("config"));
  const mediaType = mediaTypeOf(c.req.header("content-type"));
  if (!policy.mediaTypes.includes(mediaType)) {
    throw new AppError(
      415,
      "unsupported_media_type",
      `Content-Type must be ${policy.mediaTypes.join(" or ")}${mediaType ? `, not ${mediaType}` : ""}`,
      { details: { accepted: policy.mediaTypes } },
    );
  }
  const limit = bodyLimit({
    maxSize: policy.maxBytes,
    onError: () => {
      throw new AppError(413, "payload_too_large", `Request body exceeds ${policy.maxBytes} bytes`, {
        details: { max_bytes: policy.maxBytes },
      });
    },
  });
  return limit(c, next);
};
