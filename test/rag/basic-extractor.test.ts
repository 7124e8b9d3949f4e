import { describe, expect, it } from "vitest";
import { basicExtract, MAX_BASIC_ENTITIES } from "../../src/rag/extraction/basic-extractor";

describe("basic extractor", () => {
  const text =
    "Ada Lovelace worked with Charles Babbage in London. The Analytical Engine was designed by Charles Babbage. " +
    'NASA later cited the "Note G" algorithm. The Royal Society honoured Babbage.';

  it("finds capitalised phrases, acronyms and quoted terms with a type guess", () => {
    const { entities } = basicExtract(text);
    const byName = Object.fromEntries(entities.map((e) => [e.name, e.type]));
    expect(byName).toMatchObject({
      "Ada Lovelace": "person",
      "Charles Babbage": "person",
      London: "location",
      NASA: "organization",
      "Note G": "concept",
      "Royal Society": "organization",
      "Analytical Engine": "artifact",
    });
    expect(byName.The).toBeUndefined();
    const babbage = entities.find((e) => e.name === "Charles Babbage");
    expect(babbage?.description).toContain("designed by Charles Babbage");
  });

  it("relates entities sharing a sentence, is deterministic and bounded", () => {
    const first = basicExtract(text);
    expect(basicExtract(text)).toEqual(first);
    const pair = first.relations.find((r) => r.source === "Ada Lovelace" && r.target === "Charles Babbage");
    expect(pair?.description).toBe("Ada Lovelace worked with Charles Babbage in London.");
    expect(pair?.keywords).toContain("worked");
    const many = Array.from({ length: 60 }, (_, i) => `Person${i} Alpha met Person${i} Beta.`).join(" ");
    expect(basicExtract(many).entities.length).toBeLessThanOrEqual(MAX_BASIC_ENTITIES);
    expect(basicExtract("")).toEqual({ entities: [], relations: [] });
  });
});
