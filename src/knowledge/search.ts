import { queryMc } from "../credits/quotes.js";
import { requireKnowledgeBase } from "./access.js";
import type { KnowledgeDeps, RequestMeta } from "./deps.js";
import type { QueryTicket } from "./embedders/scheduler.js";
import type { Owner } from "./knowledge-base-store.js";
import type { MetadataValue, SearchHit, SearchMode } from "./search/search-index.js";

export type DescribedHit = SearchHit & { documentName: string; url?: string };

export interface QueryInput {
  query: string;
  topK: number;
  mode: SearchMode;
  filter?: { documentIds?: string[]; metadata?: Record<string, MetadataValue> };
}

export type QueryOutcome = { hits: DescribedHit[]; mode: SearchMode; chargedMc: number };

/** Knowledge bases whose model this process remembers, at most this many. */
const REMEMBERED_MAX = 10_000;

/** Searching a knowledge base: one credit a query, held before the search and captured with its answer. */
export class KnowledgeSearch {
  /**
   * `account/knowledge base` → whether its vectors are this embedder's (searched by meaning) or another model's
   * (searched by keywords until re-embedded), as last read.
   */
  private readonly byMeaning = new Map<string, boolean>();

  constructor(
    private readonly deps: Pick<
      KnowledgeDeps,
      "knowledgeBases" | "documents" | "index" | "embedder" | "metering" | "pricing"
    >,
  ) {}

  /**
   * Lets a search's query into the model's queue before any database work, so that under load a refusal (503/429,
   * `retryAfterSeconds`) is answered at once rather than after waiting for a database connection behind the
   * searches being served, and the vector is computed while the caller checks the rest. Only a knowledge base
   * known to be searched by meaning is refused here; for one not seen yet the refusal is left to `query`, which
   * knows its model. Undefined when no vector is needed or the embedder has no queue. The caller cancels the
   * ticket when the search does not run; `query` uses it when it does.
   */
  admit(owner: Owner, kbId: string, input: QueryInput, signal?: AbortSignal): QueryTicket | undefined {
    if (input.mode === "keyword") return undefined;
    const byMeaning = this.byMeaning.get(`${owner.accountId}/${kbId}`);
    if (byMeaning === false) return undefined;
    try {
      return this.deps.embedder.admitQuery?.({ accountId: owner.accountId, text: input.query, signal });
    } catch (error) {
      if (byMeaning) throw error;
      return undefined;
    }
  }

  async query(
    owner: Owner,
    kbId: string,
    input: QueryInput,
    meta: RequestMeta<QueryOutcome> & { signal?: AbortSignal; ticket?: QueryTicket },
  ): Promise<QueryOutcome> {
    const kb = await requireKnowledgeBase(this.deps.knowledgeBases, owner, kbId, { counts: false });
    // Vectors made by another model are not comparable with this one's: search by keywords until re-embedded.
    const mode: SearchMode = kb.embeddingModel === this.deps.embedder.id ? input.mode : "keyword";
    this.remember(owner, kb.id, kb.embeddingModel === this.deps.embedder.id);
    const { embedder, metering } = this.deps;
    // Admitted (or refused with 503/429) before any credits are held, by the caller or here; the vector is computed
    // meanwhile. A search by keywords gives up the place its caller took.
    if (mode === "keyword") meta.ticket?.cancel(new Error("searched by keywords"));
    const ticket =
      mode === "keyword"
        ? undefined
        : (meta.ticket ??
          embedder.admitQuery?.({ accountId: owner.accountId, text: input.query, signal: meta.signal }));
    try {
      const { result, chargedMc } = await metering.metered<DescribedHit[]>(
        {
          accountId: owner.accountId,
          maxMc: queryMc(this.deps.pricing()),
          operation: "training.query",
          idemKey: meta.ledgerKey,
          requestId: meta.requestId,
          reference: kb.id,
          writes: meta.writes && (({ chargedMc, result: hits }) => meta.writes!({ hits, mode, chargedMc })),
        },
        async () => {
          const vector =
            mode === "keyword"
              ? undefined
              : ticket
                ? await ticket.vector
                : (await embedder.embed([input.query], "query", meta.signal))[0];
          const hits = await this.deps.index.search({
            accountId: owner.accountId,
            knowledgeBaseId: kb.id,
            text: input.query,
            vector,
            mode,
            topK: input.topK,
            filter: input.filter,
          });
          const described = await this.describeHits(owner, kb.id, hits);
          // The client left before its answer: the hold is released rather than captured for a reply nobody reads.
          meta.signal?.throwIfAborted();
          return {
            result: described,
            chargeMc: queryMc(this.deps.pricing()),
            quantity: { queries: 1, mode, results: hits.length, knowledgeBaseId: kb.id },
          };
        },
      );
      return { hits: result, mode, chargedMc };
    } catch (error) {
      // Refused before its vector was needed (402, say): it leaves the model's queue.
      ticket?.cancel(error);
      throw error;
    }
  }

  private remember(owner: Owner, kbId: string, byMeaning: boolean): void {
    const key = `${owner.accountId}/${kbId}`;
    if (this.byMeaning.get(key) === byMeaning) return;
    if (this.byMeaning.size >= REMEMBERED_MAX) this.byMeaning.clear();
    this.byMeaning.set(key, byMeaning);
  }

  private async describeHits(owner: Owner, kbId: string, hits: SearchHit[]): Promise<DescribedHit[]> {
    // One statement for every document of the hits (a round trip each was most of a search's statements).
    const docs = await this.deps.documents.documentLabels(owner, kbId, [...new Set(hits.map((h) => h.documentId))]);
    return hits.map((h) => {
      const doc = docs.get(h.documentId);
      const url = doc?.pageUrls?.find((p) => p.page === h.page)?.url ?? doc?.sourceUrl ?? undefined;
      return { ...h, documentName: doc?.name ?? "", url };
    });
  }
}
