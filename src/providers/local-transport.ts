/** The offline LLM as a chain link, so `local` can sit in a failover chain (e.g. as the last resort). */
import { localCompletion } from "./local-llm";
import type { ChatTransport, StreamEvent, TransportRequest } from "./transport";
import type { TokenUsage } from "./types";

export class LocalChatTransport implements ChatTransport {
  readonly binding = "local" as const;
  readonly host = undefined;

  constructor(
    readonly model: string,
    private readonly role: "extract" | "keyword" | "query" | "summary",
  ) {}

  async complete(
    request: TransportRequest,
    signal: AbortSignal,
  ): Promise<{ text: string; usage?: TokenUsage }> {
    signal.throwIfAborted();
    return { text: localCompletion({ ...request, role: this.role, workspace: "" }) };
  }

  async *stream(request: TransportRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
    const { text } = await this.complete(request, signal);
    for (const piece of text.match(/\S+\s*|\s+/gu) ?? []) yield { delta: piece };
  }
}
