import { mcToCredits } from "../credits/pricing.js";
import type { NewEvent } from "../events/outbox.js";
import type { KnowledgeDocument } from "./document-store.js";
import type { KnowledgeBase } from "./knowledge-base-store.js";

/** `document.ready` / `document.failed` as customers receive them (docs/webhooks.md). */
export function documentEvent(
  kb: Pick<KnowledgeBase, "id" | "name">,
  doc: Pick<KnowledgeDocument, "id" | "accountId" | "name">,
  outcome: { status: "ready"; chargedMc: number } | { status: "failed"; error: string },
): NewEvent {
  return {
    accountId: doc.accountId,
    type: outcome.status === "ready" ? "document.ready" : "document.failed",
    data: {
      knowledgeBaseId: kb.id,
      knowledgeBaseName: kb.name,
      documentId: doc.id,
      title: doc.name,
      status: outcome.status,
      creditsCharged: outcome.status === "ready" ? mcToCredits(outcome.chargedMc) : 0,
      error: outcome.status === "failed" ? outcome.error : null,
    },
  };
}
