import type { IdempotencyStore } from "../http/idempotency.js";
import type { ImageService } from "../images/service.js";
import type { JobQueue } from "../jobs/queue.js";
import type { Owner } from "../knowledge/knowledge-base-store.js";
import type { DeletionReceipt } from "../knowledge/purge.js";
import type { KnowledgeService } from "../knowledge/service.js";

/** What one deletion removed. */
export interface DeletedData extends DeletionReceipt {
  images: number;
  /** Stored idempotent replies that mentioned what was deleted. */
  storedReplies: number;
  jobs: number;
}

/**
 * The one way customer content is deleted, for every kind of resource: the domain removes its rows and blobs, the
 * stored replies that quote the resource go, and then the deletion is made final on disk (on SQLite a WAL
 * checkpoint, so no copy of a deleted row — a prompt, a document's text — survives in the write-ahead log). A new
 * kind of deletion is added here, never as another route that could forget a step.
 */
export class Deleter {
  constructor(
    private readonly deps: {
      knowledge: KnowledgeService;
      images: ImageService;
      idempotency: IdempotencyStore;
      jobs: JobQueue;
      /** Makes deleted rows unrecoverable from the database files (a no-op where the engine needs nothing). */
      finalize: () => Promise<void>;
      /** Other content of the account (or of one site) that an account-wide deletion must remove too. */
      alsoPurge?: ((accountId: string, siteId?: string) => Promise<{ files: number; bytes: number }>)[];
    },
  ) {}

  private async purgeOthers(accountId: string, siteId?: string) {
    const total = { files: 0, bytes: 0 };
    for (const purge of this.deps.alsoPurge ?? []) {
      const r = await purge(accountId, siteId);
      total.files += r.files;
      total.bytes += r.bytes;
    }
    return total;
  }

  async deleteImage(owner: Owner, imageId: string): Promise<DeletedData> {
    const removed = await this.deps.images.delete(owner, imageId);
    return this.finish(owner.accountId, `img:${imageId}`, { ...none(), ...removed, files: removed.images });
  }

  async deleteDocument(owner: Owner, kbId: string, docId: string): Promise<DeletedData> {
    const receipt = await this.deps.knowledge.deleteDocument(owner, kbId, docId);
    // Stored replies of this knowledge base's queries may quote the document.
    return this.finish(owner.accountId, `kb:${kbId}`, { ...none(), ...receipt });
  }

  async deleteKnowledgeBase(owner: Owner, kbId: string): Promise<DeletedData> {
    const receipt = await this.deps.knowledge.deleteKnowledgeBase(owner, kbId);
    return this.finish(owner.accountId, `kb:${kbId}`, { ...none(), ...receipt });
  }

  /** Every knowledge base, document and image of the account, its queued work and every stored reply. */
  async deleteAccountData(accountId: string): Promise<DeletedData> {
    const knowledge = await this.deps.knowledge.purgeAccount(accountId);
    const images = await this.deps.images.purgeAccount(accountId);
    const others = await this.purgeOthers(accountId);
    const jobs = await this.deps.jobs.deleteForAccount(accountId);
    return this.finish(accountId, undefined, {
      ...knowledge,
      files: knowledge.files + images.images + others.files,
      bytes: knowledge.bytes + images.bytes + others.bytes,
      images: images.images,
      storedReplies: 0,
      jobs,
    });
  }

  /**
   * What one site's key may erase (its `DELETE /v1/data`): the knowledge bases and images restricted to that site,
   * the replies stored for its requests and those quoting what was deleted. The account's shared data stays.
   */
  async deleteSiteData(accountId: string, siteId: string): Promise<DeletedData> {
    const knowledge = await this.deps.knowledge.purgeSite(accountId, siteId);
    const images = await this.deps.images.purgeAccount(accountId, siteId);
    const others = await this.purgeOthers(accountId, siteId);
    let storedReplies = await this.deps.idempotency.purgeCaller(accountId, siteId);
    for (const tag of [...knowledge.knowledgeBaseIds.map((id) => `kb:${id}`), ...images.ids.map((id) => `img:${id}`)])
      storedReplies += await this.deps.idempotency.purge(accountId, tag);
    await this.deps.finalize();
    return {
      knowledgeBases: knowledge.knowledgeBases,
      documents: knowledge.documents,
      chunks: knowledge.chunks,
      files: knowledge.files + images.images + others.files,
      bytes: knowledge.bytes + images.bytes + others.bytes,
      images: images.images,
      storedReplies,
      jobs: 0,
    };
  }

  /** Stored replies tagged with the resource (all of the account's without a tag) go, then the deletion is final. */
  private async finish(accountId: string, tag: string | undefined, data: DeletedData): Promise<DeletedData> {
    data.storedReplies = await this.deps.idempotency.purge(accountId, tag);
    await this.deps.finalize();
    return data;
  }
}

const none = (): DeletedData => ({
  knowledgeBases: 0,
  documents: 0,
  chunks: 0,
  files: 0,
  bytes: 0,
  images: 0,
  storedReplies: 0,
  jobs: 0,
});
