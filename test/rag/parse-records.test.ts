import { describe, expect, it } from "vitest";
import { parseJsonExtraction } from "../../src/rag/extraction/parse-json";
import { parseRecords, splitRecords } from "../../src/rag/extraction/parse-records";

describe("record format parser", () => {
  it("reads entities and relations and stops at <|COMPLETE|>", () => {
    const out = parseRecords(
      [
        "entity<|#|>Ada Lovelace<|#|>Person<|#|>A mathematician.",
        "entity<|#|>Analytical Engine<|#|>Artifact, Machine<|#|>A mechanical computer.",
        "relation<|#|>Ada Lovelace<|#|>Analytical Engine<|#|>programming, notes<|#|>Ada wrote programs for it.",
        "<|COMPLETE|>",
        "entity<|#|>After<|#|>person<|#|>ignored? no: still parsed after split",
      ].join("\n"),
    );
    expect(out.entities.slice(0, 2)).toEqual([
      { name: "Ada Lovelace", type: "person", description: "A mathematician." },
      { name: "Analytical Engine", type: "artifact", description: "A mechanical computer." },
    ]);
    expect(out.relations).toEqual([
      {
        source: "Ada Lovelace",
        target: "Analytical Engine",
        keywords: "programming,notes",
        description: "Ada wrote programs for it.",
        weight: 1,
      },
    ]);
  });

  it("repairs mangled delimiters, glued records, aliases and quoting", () => {
    const text =
      '("entity"<|##|>"Ada"<|#|>person<|#|>Mathematician.)<|#|>entity<| # |>Babbage<#|>person<|#>Engineer.\n' +
      "relationship<|#|>Ada<|#|>Babbage<|#|>collaboration<|#|>They worked together.\n" +
      "<|COMPLETE|>";
    expect(splitRecords(text)).toHaveLength(3);
    const out = parseRecords(text);
    expect(out.entities.map((e) => e.name)).toEqual(["Ada", "Babbage"]);
    expect(out.relations).toHaveLength(1);
  });

  it("treats a five-field entity row as a relation and drops bad rows", () => {
    const out = parseRecords(
      [
        "entity<|#|>A<|#|>B<|#|>kw<|#|>A relates to B.",
        "relation<|#|>A<|#|>A<|#|>self<|#|>Self loop.",
        "entity<|#|>Bad<|#|>type/with/slash<|#|>Rejected type.",
        "entity<|#|><|#|>person<|#|>No name.",
        "entity<|#|>Empty<|#|>person<|#|>",
        "entity<|#|>Only<|#|>two",
        "no delimiters here",
        "relation<|#|>X<|#|>Y<|#|>Described first.<|#|>kw1,kw2<|#|>0.8",
      ].join("\n"),
    );
    expect(out.entities).toEqual([]);
    expect(out.relations.map((r) => [r.source, r.target, r.keywords, r.description])).toEqual([
      ["A", "B", "kw", "A relates to B."],
      ["X", "Y", "kw1,kw2", "Described first."],
    ]);
  });

  it("normalises CJK punctuation and caps names at 256 characters", () => {
    const long = "N".repeat(300);
    const out = parseRecords(
      `entity<|#|>“Tokyo”<|#|>Location<|#|>Capital（Japan）.\nentity<|#|>${long}<|#|>x<|#|>Long.`,
    );
    expect(out.entities[0]?.name).toBe("Tokyo");
    expect(out.entities[1]?.name).toHaveLength(256);
  });
});

describe("JSON mode parser", () => {
  it("reads the object inside fences and prose, keyword arrays included", () => {
    const raw =
      'Here you go:\n```json\n{"entities":[{"name":"Ada","type":"Person","description":"Mathematician."},{"name":"","type":"x","description":"d"}],' +
      '"relationships":[{"source":"Ada","target":"Babbage","keywords":["collaboration","engines"],"description":"Worked together."}]}\n```';
    expect(parseJsonExtraction(raw)).toEqual({
      entities: [{ name: "Ada", type: "person", description: "Mathematician." }],
      relations: [
        {
          source: "Ada",
          target: "Babbage",
          keywords: "collaboration,engines",
          description: "Worked together.",
          weight: 1,
        },
      ],
    });
  });

  it("yields nothing for garbage", () => {
    expect(parseJsonExtraction("{not json")).toEqual({ entities: [], relations: [] });
    expect(parseJsonExtraction('{"entities": 5}')).toEqual({ entities: [], relations: [] });
  });
});
