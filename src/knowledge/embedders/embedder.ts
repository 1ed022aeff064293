import type { QueryTicket } from "./scheduler.js";

/** Turns text into vectors. One adapter is chosen at start-up from EMBEDDING_PROVIDER. */
export interface Embedder {
  /**
   * Identifies the model and its settings (e.g. `local:use-lite-512`, `openai:text-embedding-3-small@1536`).
   * A knowledge base records it; a different id means its vectors must be rebuilt.
   */
  readonly id: string;
  readonly dimensions: number;
  /** Texts longer than this many characters are truncated by the model anyway (undefined: no known limit). */
  readonly maxInputChars?: number;
  /** Tokens the model reads of one input (the rest is ignored); undefined when the provider has no stated limit. */
  readonly maxInputTokens?: number;
  /** One unit-length vector per text, in order. `kind` lets asymmetric models embed queries differently. */
  embed(texts: string[], kind: "document" | "query", signal?: AbortSignal): Promise<Float32Array[]>;
  /**
   * Embedders that queue work in this process (the local model) admit a search's query only when its vector is
   * expected soon enough, and serve accounts in turn: throws SERVICE_UNAVAILABLE or RATE_LIMITED (with
   * `retryAfterSeconds`) otherwise. Called before any credits are held. Others leave it out.
   */
  admitQuery?(input: { accountId: string; text: string; signal?: AbortSignal }): QueryTicket;
  close?(): Promise<void>;
}
