/** The isolate's coalescing window: opened once, sent once, by its timer, its owner or a reader. */
import { describe, expect, it, vi } from "vitest";
import { IsolateWindow } from "../../src/observability/isolate-window";

const collect = () => {
  const tasks: Promise<unknown>[] = [];
  return { waitUntil: (task: Promise<unknown>) => void tasks.push(task), tasks };
};

describe("IsolateWindow", () => {
  it("opens one window, hands its send to the opener's waitUntil and sends it once after windowMs", async () => {
    const sent: number[][] = [];
    const windows = new IsolateWindow<number[]>(async (window) => void sent.push(window));
    const opener = collect();
    const later = collect();
    const ms = vi.fn(() => 20);
    windows.current(() => [], ms, opener.waitUntil).push(1);
    windows.current(() => [], ms, later.waitUntil).push(2);
    expect(ms).toHaveBeenCalledTimes(1);
    expect(later.tasks).toHaveLength(0);
    expect(sent).toEqual([]);
    await Promise.all(opener.tasks);
    expect(sent).toEqual([[1, 2]]);
    expect(windows.peek()).toBeUndefined();
  });

  it("lets the timer find nothing once the window went out early, by sendNow or take", async () => {
    const sent: number[][] = [];
    const windows = new IsolateWindow<number[]>(async (window) => void sent.push(window));
    const first = collect();
    windows
      .current(
        () => [],
        () => 10,
        first.waitUntil,
      )
      .push(1);
    await windows.sendNow();
    const second = collect();
    windows
      .current(
        () => [],
        () => 10,
        second.waitUntil,
      )
      .push(2);
    expect(windows.take()).toEqual([2]);
    await windows.sendNow(); // nothing open: nothing sent
    await Promise.all([...first.tasks, ...second.tasks]);
    expect(sent).toEqual([[1]]);
  });
});
