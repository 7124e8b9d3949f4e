/** FirstSeen: numbers in the order values are first seen, the same number on every later sight. */
import { describe, expect, it } from "vitest";
import { FirstSeen } from "../../src/storage/first-seen";

describe("FirstSeen", () => {
  it("numbers new values in turn and repeats a value's number", () => {
    const seen = new FirstSeen<string | number>();
    expect(["c2", "c1", "c2", 7, "c1", 7, "7"].map((value) => seen.number(value))).toEqual([
      0, 1, 0, 2, 1, 2, 3,
    ]);
    expect(seen.values).toEqual(["c2", "c1", 7, "7"]);
  });

  it("keeps objects apart by identity", () => {
    const seen = new FirstSeen<object>();
    const a = { name: "A" };
    expect([seen.number(a), seen.number({ name: "A" }), seen.number(a)]).toEqual([0, 1, 0]);
  });
});
