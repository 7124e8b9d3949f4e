/** `lazy` builds its value on the first call only, and keeps it (undefined included). */
import { describe, expect, it, vi } from "vitest";
import { lazy } from "../../src/lazy";

describe("lazy", () => {
  it("builds nothing until asked, then once", () => {
    const build = vi.fn(() => ({ built: true }));
    const value = lazy(build);
    expect(build).not.toHaveBeenCalled();
    const first = value();
    expect(value()).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it("keeps a value of undefined instead of building again", () => {
    const build = vi.fn(() => undefined);
    const value = lazy(build);
    value();
    value();
    expect(build).toHaveBeenCalledTimes(1);
  });
});
