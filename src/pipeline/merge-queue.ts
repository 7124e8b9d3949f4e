/**
 * Collects documents whose extraction finished and merges them through the coordinator in
 * batches: while one merge runs, the next documents gather. A failed batch is retried one
 * document at a time so a bad document cannot fail its neighbours.
 */

export interface Merger {
  merge(docIds: string[]): Promise<unknown>;
}

interface Waiting {
  docId: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class MergeQueue {
  private waiting: Waiting[] = [];
  private running = false;

  constructor(private readonly merger: Merger) {}

  /** Resolves once `docId` is merged; rejects with its own merge error. */
  add(docId: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ docId, resolve, reject });
      if (!this.running) {
        // Start on the next microtask, so documents added in the same tick form one batch.
        this.running = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting;
        this.waiting = [];
        try {
          await this.merger.merge(batch.map((item) => item.docId));
          for (const item of batch) item.resolve();
        } catch (error) {
          if (batch.length === 1) {
            batch[0]?.reject(error);
            continue;
          }
          for (const item of batch) {
            try {
              await this.merger.merge([item.docId]);
              item.resolve();
            } catch (single) {
              item.reject(single);
            }
          }
        }
      }
    } finally {
      this.running = false;
    }
  }
}
