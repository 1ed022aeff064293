import { z } from "zod";
import { mcToCredits } from "../credits/pricing.js";
import { principalOf, requireActiveLicense } from "../http/auth.js";
import { signalOnHangUp } from "../http/hang-up.js";
import { Credits, errors } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { customerRoute as customer, KbParams, type KnowledgeRouteDeps, security, tags } from "./route-schemas.js";
import type { DescribedHit } from "./search.js";

const QueryBody = z.object({
  query: z.string().trim().min(1).max(2000),
  topK: z.number().int().min(1).max(50).default(5),
  mode: z.enum(["hybrid", "semantic", "keyword"]).default("hybrid"),
  filter: z
    .object({
      documentIds: z.array(z.string().max(100)).min(1).max(100).optional(),
      metadata: z.record(z.string().max(64), z.union([z.string(), z.number(), z.boolean()])).optional(),
    })
    .optional(),
});

export type QueryRequest = z.infer<typeof QueryBody>;

/** Searching a knowledge base (metered, idempotent, stopped when an unkeyed client hangs up). */
export function queryRoutes(app: App, { knowledge, licenses, idempotency }: KnowledgeRouteDeps): void {
  app.post(
    "/v1/knowledge-bases/:id/query",
    {
      ...customer,
      schema: {
        tags,
        security,
        summary: "Search a knowledge base (1 credit)",
        description:
          "Semantic and hybrid searches wait for the embedding model. When it cannot embed the query within the " +
          "configured wait (EMBEDDING_QUERY_MAX_WAIT_MS, local model), the search is refused at once and nothing " +
          "is charged: 503 `SERVICE_UNAVAILABLE`, or 429 `RATE_LIMITED` when this account holds more than its " +
          "share of the queue; both carry `Retry-After` (seconds) and `retryAfterSeconds`. Accounts are served in " +
          "turn, each account's searches in arrival order. A search without `Idempotency-Key` whose client closes " +
          "the connection before the answer is stopped and not charged (its hold is released); with a key it runs " +
          "to completion and a retry with the same key gets its reply.",
        params: KbParams,
        headers: z.object({ "idempotency-key": z.string().max(255).optional() }),
        body: QueryBody,
        response: {
          200: z.object({
            results: z.array(
              z.object({
                documentId: z.string(),
                documentName: z.string(),
                text: z.string(),
                score: z.number(),
                page: z.number().int().optional(),
                position: z.number().int(),
                heading: z.string().optional(),
                url: z.string().optional(),
              }),
            ),
            mode: z.enum(["hybrid", "semantic", "keyword"]).describe("The mode used"),
            credits: Credits,
          }),
          ...errors(400, 401, 402, 403, 404, 409, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const { accountId, siteId } = principalOf(request);
      const owner = { accountId, siteId };
      const kbId = request.params.id;
      // An unkeyed search whose client hangs up before the answer stops and is not charged; a keyed one runs to
      // completion, so that a retry with the same key is answered from its stored reply.
      const signal = request.headers["idempotency-key"] === undefined ? signalOnHangUp(reply) : undefined;
      // Admitted to the model's queue, or refused (503/429), before anything waits for the database: under load its
      // connections are busy serving searches, and a refusal must not queue behind them. The vector is computed
      // while the licence, the key and the knowledge base are checked; a search that does not run leaves the queue.
      const ticket = knowledge.admitQuery(owner, kbId, request.body, signal);
      try {
        await requireActiveLicense(request, licenses);
        const result = await idempotency.run(request, owner, request.body, async (run) => {
          const replyOf = ({ hits, mode, chargedMc }: { hits: DescribedHit[]; mode: string; chargedMc: number }) => ({
            status: 200,
            tags: [`kb:${kbId}`],
            body: {
              results: hits.map((h) => ({
                documentId: h.documentId,
                documentName: h.documentName,
                text: h.text,
                score: h.score,
                ...(h.page !== undefined ? { page: h.page } : {}),
                position: h.position,
                ...(h.heading ? { heading: h.heading } : {}),
                ...(h.url ? { url: h.url } : {}),
              })),
              mode,
              credits: mcToCredits(chargedMc),
            },
          });
          const writes = run.replyWrites;
          return replyOf(
            await knowledge.query(owner, kbId, request.body, {
              ledgerKey: run.ledgerKey,
              requestId: String(request.id),
              signal,
              ticket,
              writes: writes && ((outcome) => writes(replyOf(outcome))),
            }),
          );
        });
        if (result.replayed) reply.header("idempotent-replayed", "true");
        return result.body as never;
      } finally {
        // Settled tickets ignore it: this only takes a search that did not run (refused, replayed) out of the queue.
        ticket?.cancel(new Error("the search did not run"));
      }
    },
  );
}
