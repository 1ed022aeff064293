import type { KnowledgeDeps } from "./deps.js";
import type { KnowledgeDocument } from "./document-store.js";
import { textBlob } from "./document-text.js";

export interface DeletionReceipt {
  knowledgeBases: number;
  documents: number;
  chunks: number;
  files: number;
  bytes: number;
}

const emptyReceipt = (): DeletionReceipt => ({ knowledgeBases: 0, documents: 0, chunks: 0, files: 0, bytes: 0 });

const addTo = (receipt: DeletionReceipt, more: DeletionReceipt) => {
  for (const k of Object.keys(receipt) as (keyof DeletionReceipt)[]) receipt[k] += more[k];
};

/**
 * Erases knowledge for good: rows, chunks (vectors and keyword entries), stored text, pending jobs, and the holds of
 * documents not yet charged. Access is checked by the caller; these run for the account they are given.
 */
export class KnowledgePurge {
  constructor(
    private readonly deps: Pick<KnowledgeDeps, "knowledgeBases" | "documents" | "index" | "blobs" | "jobs" | "ledger">,
  ) {}

  async purgeDocuments(
    accountId: string,
    kbId: string,
    docs: { id: string; holdId?: string | null; status?: string }[],
  ): Promise<DeletionReceipt> {
    const receipt = emptyReceipt();
    const scope = { accountId, knowledgeBaseId: kbId };
    for (const doc of docs) {
      receipt.documents += await this.deps.documents.deleteDocumentRow(accountId, doc.id);
      // Its job goes before its chunks: a batch of a job still indexing it is fenced by that job's row (see
      // JobQueue.leaseFence), so it has committed by now, to be deleted below, or it is refused.
      await this.deps.jobs.deleteForSubjects(accountId, [doc.id]);
      receipt.chunks += await this.deps.index.deleteDocument(scope, doc.id);
      const bytes = await this.deps.blobs.delete(textBlob(accountId, doc.id));
      if (bytes > 0) {
        receipt.files++;
        receipt.bytes += bytes;
      }
      if (doc.holdId && doc.status !== "ready")
        await this.deps.ledger
          .release({ accountId, holdId: doc.holdId, reason: "the document was deleted" })
          .catch(() => {});
    }
    return receipt;
  }

  async purgeKnowledgeBase(accountId: string, kbId: string): Promise<DeletionReceipt> {
    const docs = await this.deps.documents.documentIds(accountId, kbId);
    const full = await Promise.all(docs.map((d) => this.deps.documents.getDocumentById(accountId, d.id)));
    const receipt = await this.purgeDocuments(
      accountId,
      kbId,
      full.filter((d): d is KnowledgeDocument => d !== undefined),
    );
    await this.deps.jobs.deleteForSubjects(accountId, [kbId]); // its re-embedding, fenced as above
    receipt.chunks += await this.deps.index.deleteKnowledgeBase({ accountId, knowledgeBaseId: kbId });
    await this.deps.knowledgeBases.deleteKnowledgeBaseRow(accountId, kbId);
    receipt.knowledgeBases++;
    return receipt;
  }

  /** Every knowledge base restricted to one site (what that site's `DELETE /v1/data` removes). */
  async purgeSite(accountId: string, siteId: string): Promise<DeletionReceipt & { knowledgeBaseIds: string[] }> {
    const receipt = emptyReceipt();
    const ids = await this.deps.knowledgeBases.knowledgeBaseIds(accountId, siteId);
    for (const kbId of ids) addTo(receipt, await this.purgeKnowledgeBase(accountId, kbId));
    return { ...receipt, knowledgeBaseIds: ids };
  }

  /** Everything the account has in knowledge bases. */
  async purgeAccount(accountId: string): Promise<DeletionReceipt> {
    const receipt = emptyReceipt();
    for (const kbId of await this.deps.knowledgeBases.knowledgeBaseIds(accountId))
      addTo(receipt, await this.purgeKnowledgeBase(accountId, kbId));
    receipt.chunks += await this.deps.index.deleteAccount(accountId);
    const files = await this.deps.blobs.deletePrefix(`${accountId}/documents`);
    receipt.files += files.count;
    receipt.bytes += files.bytes;
    return receipt;
  }
}
