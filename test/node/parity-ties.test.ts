/**
 * The parity bench's tie rule (bench/lib/parity-ties.ts), on the answer that differed in the
 * full HotpotQA run (question 64, hybrid): "Harding Welsh" and "Welsh King" score the same
 * against the low-level keywords, so two backends that list them the other way round part at a
 * near-tie; parting at two items whose scores really differ is a difference.
 */
import { describe, expect, it } from "vitest";
import { type Answer, answerOf, nearTie, type QueryData } from "../../bench/lib/parity-ties";

const QUESTION =
  'When was the Welsh singer born who is known for her distinctive husky voice and who\'s third album is "Diamond Cut" (1979)?';
const LOW = ["Welsh", "Diamond Cut", "welsh", "singer", "born", "known", "her", "distinctive"];
const HIGH = ["welsh singer", "singer born", "born known", "known her", "her distinctive"];
const BONNIE = {
  entity_name: "Bonnie Tyler",
  description: "Bonnie Tyler (born Gaynor Hopkins; 8 June 1951) is a Welsh singer.",
};
const HARDING = { entity_name: "Harding Welsh", description: 'Harding Welsh in "Due South".' };
const KING = { entity_name: "Welsh King", description: "1069 ) was a Welsh King." };
const LAST = { entity_name: "Last", description: "Last is mentioned in the text." };

function answer(entities: QueryData["data"]["entities"], chunks: string[], low = LOW): Answer {
  return answerOf({
    data: { entities, relationships: [], chunks: chunks.map((id) => ({ chunk_id: id, content: id })) },
    metadata: { keywords: { low_level: low, high_level: HIGH } },
  });
}

describe("parity tie rule", () => {
  it("calls answers that part at two entities of equal score a near-tie, naming them", () => {
    const d1 = answer([BONNIE, HARDING, KING], ["c1", "c2", "c3"]);
    const pg = answer([BONNIE, KING, HARDING], ["c1", "c4", "c3"]);
    const why = nearTie(d1, pg, QUESTION);
    expect(why).toMatch(
      /^entity #2: "Harding Welsh" vs "Welsh King", cosine 0\.307692307692 vs 0\.307692307692/,
    );
    expect(why).toContain("|Δ| 0.0e+0");
  });

  it("does not excuse parting at entities whose scores differ, nor answers to other keywords", () => {
    const d1 = answer([BONNIE, HARDING], ["c1", "c2"]);
    expect(nearTie(d1, answer([BONNIE, LAST], ["c1", "c4"]), QUESTION)).toBeNull();
    expect(nearTie(d1, answer([BONNIE, KING], ["c1", "c4"], ["Welsh"]), QUESTION)).toBeNull();
    // Identical graph lists and chunk lists that part at chunks of different similarity.
    expect(nearTie(d1, answer([BONNIE, HARDING], ["c1", "Welsh singer born"]), QUESTION)).toBeNull();
  });
});
