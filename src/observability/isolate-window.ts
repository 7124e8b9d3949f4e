/**
 * One open window per isolate that sums what requests add to it and goes out once: after
 * `windowMs`, through the `waitUntil` of the request that opened it (so an isolate that goes idle
 * still sends it), at once when its owner finds it full, or when a reader flushes it first. The
 * metric samples (`metrics-buffer.ts`) and the LLM usage rows (`usage-buffer.ts`) use it.
 */
import type { WaitUntil } from "../runtime/background";

export class IsolateWindow<W> {
  private open: W | undefined;

  /** @param send Delivers a window; it must settle without rejecting (it reports its own losses). */
  constructor(private readonly send: (window: W) => Promise<void>) {}

  /**
   * The open window, or a new one from `make`, whose sending is handed to `waitUntil` for after
   * `windowMs()` milliseconds (unless it has gone out by then); `windowMs` is asked only then.
   *
   * @example
   * const window = windows.current(() => ({ rows: new Map() }), () => 1000, waitUntil);
   */
  current(make: () => W, windowMs: () => number, waitUntil: WaitUntil): W {
    if (this.open) return this.open;
    const opened = make();
    this.open = opened;
    waitUntil(
      new Promise<void>((resolve) => setTimeout(resolve, windowMs())).then(() =>
        // Already sent when full or by a reader: nothing left to do.
        this.open === opened ? this.sendNow() : undefined,
      ),
    );
    return opened;
  }

  /** The open window, if any, without opening one. */
  peek(): W | undefined {
    return this.open;
  }

  /** Closes the open window and returns it (for a caller that sends it its own way). */
  take(): W | undefined {
    const window = this.open;
    this.open = undefined;
    return window;
  }

  /** Sends the open window now; resolves at once when none is open. */
  async sendNow(): Promise<void> {
    const window = this.take();
    if (window) await this.send(window);
  }
}
