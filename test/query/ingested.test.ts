/** Queries over documents ingested through POST /documents/text and the queue pipeline (no seeding by hand). */
import { describe, expect, it } from "vitest";
import { api, json, settled } from "../documents/helpers";
import type { DataAnswer } from "./helpers";

const WS = "q_ingested";

describe("query after ingestion", { timeout: 90_000 }, () => {
  it("every mode finds what the pipeline stored, with references to the right files", async () => {
    const texts = [
      {
        text: "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.",
        file_source: "ada.txt",
      },
      {
        text: "The Eiffel Tower stands in Paris. Gustave Eiffel built the Eiffel Tower for a World Fair.",
        file_source: "paris.txt",
      },
    ];
    for (const body of texts) expect((await api(WS, "POST", "/documents/text", body)).status).toBe(200);
    expect(await settled(WS)).toMatchObject({ processed: 2, failed: 0 });

    const ask = async (body: Record<string, unknown>) =>
      json<DataAnswer>(await api(WS, "POST", "/query/data", body));

    const local = await ask({
      query: "Who is Charles Babbage?",
      mode: "local",
      ll_keywords: ["Charles Babbage"],
      top_k: 1,
    });
    expect(local.data.entities.map((e) => e.entity_name)).toEqual(["Charles Babbage"]);
    expect(local.data.relationships.length).toBeGreaterThan(0);
    expect(local.data.references).toEqual([{ reference_id: "1", file_path: "ada.txt" }]);

    const naive = await ask({ query: "Where does the Eiffel Tower stand?", mode: "naive", chunk_top_k: 1 });
    expect(naive.data.references).toEqual([{ reference_id: "1", file_path: "paris.txt" }]);

    const mix = await ask({ query: "Who built the Eiffel Tower in Paris?", mode: "mix" });
    expect(mix.data.entities.map((e) => e.entity_name)).toEqual(expect.arrayContaining(["Eiffel Tower"]));
    expect(mix.data.references[0]).toEqual({ reference_id: "1", file_path: "paris.txt" });

    const answer = await json<{ response: string; references: { file_path: string }[] }>(
      await api(WS, "POST", "/query", { query: "Who built the Eiffel Tower?", mode: "hybrid" }),
    );
    expect(answer.response).toContain("Gustave Eiffel");
    expect(answer.references.map((r) => r.file_path)).toContain("paris.txt");
  });
});
