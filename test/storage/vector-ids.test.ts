/** LightRAG's vector ids, memoised per isolate: the same ids on the first and every later call. */
import { describe, expect, it } from "vitest";
import { entityVectorId, md5Hex, relationVectorId } from "../../src/storage/vector-ids";

describe("vector ids", () => {
  it("are LightRAG's md5 ids, the same when asked again and for either endpoint order", () => {
    // md5("Alan Turing") as Python's hashlib gives it.
    expect(md5Hex("Alan Turing")).toBe("c342cdb7d4ad65f3467f1ab056f1f9c6");
    for (let round = 0; round < 2; round++) {
      expect(entityVectorId("Alan Turing")).toBe(`ent-${md5Hex("Alan Turing")}`);
      expect(relationVectorId("b", "a")).toBe(`rel-${md5Hex("ab")}`);
      expect(relationVectorId("a", "b")).toBe(`rel-${md5Hex("ab")}`);
      // Concatenated without a separator, as LightRAG does: the memo must not tell these apart.
      expect(relationVectorId("ab", "c")).toBe(relationVectorId("a", "bc"));
    }
  });

  it("stay right once the memo has started over", () => {
    const first = entityVectorId("entity-0");
    for (let i = 0; i < 20_050; i++) entityVectorId(`entity-${i}`);
    expect(entityVectorId("entity-0")).toBe(first);
    expect(entityVectorId("entity-20049")).toBe(`ent-${md5Hex("entity-20049")}`);
  });
});
