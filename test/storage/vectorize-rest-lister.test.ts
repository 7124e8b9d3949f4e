import { describe, expect, it, vi } from "vitest";
import { RestVectorizeLister } from "../../src/storage/vectorize/rest-lister";

const ok = (result: unknown) =>
  new Response(JSON.stringify({ success: true, errors: [], messages: [], result }));

describe("list-vectors over the REST API", () => {
  it("asks the index's list endpoint with the token and pages by cursor", async () => {
    const fetcher = vi.fn<typeof fetch>(async () =>
      ok({
        count: 2,
        totalCount: 3,
        isTruncated: true,
        nextCursor: "c2",
        vectors: [{ id: "a" }, { id: "b" }],
      }),
    );
    const lister = new RestVectorizeLister({
      accountId: "acct",
      apiToken: "tok",
      indexName: "idx-chunks",
      fetch: fetcher,
    });
    expect(await lister.list({ count: 1000, cursor: "c1" })).toEqual({ ids: ["a", "b"], nextCursor: "c2" });
    const [url, init] = fetcher.mock.calls[0] ?? [];
    expect(String(url)).toBe(
      "https://api.cloudflare.com/client/v4/accounts/acct/vectorize/v2/indexes/idx-chunks/list?count=1000&cursor=c1",
    );
    expect(new Headers(init?.headers).get("authorization")).toBe("Bearer tok");
    fetcher.mockResolvedValueOnce(
      ok({ count: 1, totalCount: 3, isTruncated: false, nextCursor: null, vectors: [{ id: "c" }] }),
    );
    expect(await lister.list({ count: 1000, cursor: "c2" })).toEqual({ ids: ["c"], nextCursor: null });
  });

  it("fails naming the index and the API's reason", async () => {
    const fetcher = vi.fn<typeof fetch>(
      async () =>
        new Response(
          JSON.stringify({
            success: false,
            errors: [{ code: 10000, message: "Authentication error" }],
            result: null,
          }),
          {
            status: 403,
          },
        ),
    );
    const lister = new RestVectorizeLister({
      accountId: "acct",
      apiToken: "bad",
      indexName: "idx",
      fetch: fetcher,
    });
    await expect(lister.list({ count: 10 })).rejects.toThrow(
      "Vectorize list-vectors on idx failed (HTTP 403): Authentication error",
    );
  });
});
