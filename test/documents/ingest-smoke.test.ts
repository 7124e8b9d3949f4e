import { describe, expect, it } from "vitest";
import { api, json, settled } from "./helpers";

describe("ingestion end to end", { timeout: 60_000 }, () => {
  it("a text becomes chunks, a graph and vectors", async () => {
    const ws = "smoke_ws";
    const res = await api(ws, "POST", "/documents/text", {
      text: "Ada Lovelace worked with Charles Babbage in London. Charles Babbage designed the Analytical Engine.",
      file_source: "ada.txt",
    });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ status: "success" });
    expect(String(body.track_id)).toMatch(/^insert_\d{8}_\d{6}_[0-9a-f]{8}$/);
    const counts = await settled(ws);
    expect(counts).toMatchObject({ processed: 1, failed: 0 });
    const labels = await json<string[]>(await api(ws, "GET", "/graph/label/list"));
    expect(labels).toEqual(
      expect.arrayContaining(["Ada Lovelace", "Charles Babbage", "Analytical Engine", "London"]),
    );
  });
});
