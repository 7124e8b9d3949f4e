/**
 * list-vectors over Cloudflare's REST API (`GET /accounts/{account}/vectorize/v2/indexes/
 * {index}/list`): the Workers binding has no list operation, and count, ids and clear need one.
 * Pages hold at most 1,000 ids (VECTORIZE_LIMITS.listPage) from a snapshot taken at the first page.
 */
import { z } from "zod";
import type { VectorizeLister, VectorizeListPage } from "./binding";

const API = "https://api.cloudflare.com/client/v4";

const responseSchema = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ message: z.string() }).loose()).default([]),
  result: z
    .object({
      vectors: z.array(z.object({ id: z.string() }).loose()),
      isTruncated: z.boolean(),
      nextCursor: z.string().nullish(),
    })
    .loose()
    .nullish(),
});

export interface RestListerOptions {
  accountId: string;
  apiToken: string;
  indexName: string;
  fetch?: typeof fetch;
}

/**
 * A lister for one index.
 *
 * @example
 * const lister = new RestVectorizeLister({ accountId, apiToken, indexName: "lightrag-edge-chunks-production" });
 * const { ids, nextCursor } = await lister.list({ count: 1000 });
 */
export class RestVectorizeLister implements VectorizeLister {
  constructor(private readonly options: RestListerOptions) {}

  async list({ count, cursor }: { count: number; cursor?: string }): Promise<VectorizeListPage> {
    const { accountId, apiToken, indexName } = this.options;
    const url = new URL(
      `${API}/accounts/${encodeURIComponent(accountId)}/vectorize/v2/indexes/${encodeURIComponent(indexName)}/list`,
    );
    url.searchParams.set("count", String(count));
    if (cursor) url.searchParams.set("cursor", cursor);
    const response = await (this.options.fetch ?? fetch)(url, {
      headers: { authorization: `Bearer ${apiToken}` },
    });
    const parsed = responseSchema.safeParse(await response.json().catch(() => null));
    if (!response.ok || !parsed.success || !parsed.data.success || !parsed.data.result) {
      const reason = parsed.success
        ? parsed.data.errors.map((e) => e.message).join("; ")
        : "unreadable response";
      throw new Error(`Vectorize list-vectors on ${indexName} failed (HTTP ${response.status}): ${reason}`);
    }
    const { vectors, isTruncated, nextCursor } = parsed.data.result;
    return { ids: vectors.map((vector) => vector.id), nextCursor: isTruncated ? (nextCursor ?? null) : null };
  }
}
