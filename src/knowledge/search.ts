import { queryMc } from "../credits/quotes.js";
import { requireKnowledgeBase } from "./access.js";
import type { KnowledgeDeps, RequestMeta } from "./deps.js";
import type { KnowledgeDocument } from "./document-store.js";
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

/** Searching a knowledge base: one credit a query, held before the search and captured with its answer. */
export class KnowledgeSearch {
  constructor(
    private readonly deps: Pick<
      KnowledgeDeps,
      "knowledgeBases" | "documents" | "index" | "embedder" | "metering" | "pricing"
    >,
  ) {}

  async query(
    owner: Owner,
    kbId: string,
    input: QueryInput,
    meta: RequestMeta<QueryOutcome> & { signal?: AbortSignal },
  ): Promise<QueryOutcome> {
    const kb = await requireKnowledgeBase(this.deps.knowledgeBases, owner, kbId);
    // Vectors made by another model are not comparable with this one's: search by keywords until re-embedded.
    const mode: SearchMode = kb.embeddingModel === this.deps.embedder.id ? input.mode : "keyword";
    const { embedder, metering } = this.deps;
    // Admitted (or refused with 503/429) before any credits are held; the vector is computed meanwhile.
    const ticket =
      mode === "keyword"
        ? undefined
        : embedder.admitQuery?.({ accountId: owner.accountId, text: input.query, signal: meta.signal });
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

  private async describeHits(owner: Owner, kbId: string, hits: SearchHit[]): Promise<DescribedHit[]> {
    const docs = new Map<string, KnowledgeDocument | undefined>();
    for (const id of new Set(hits.map((h) => h.documentId)))
      docs.set(id, await this.deps.documents.getDocument(owner, kbId, id));
    return hits.map((h) => {
      const doc = docs.get(h.documentId);
      const url = doc?.pageUrls?.find((p) => p.page === h.page)?.url ?? doc?.sourceUrl ?? undefined;
      return { ...h, documentName: doc?.name ?? "", url };
    });
  }
}
