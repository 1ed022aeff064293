import { ApiError } from "../errors.js";
import type { DocumentStore, KnowledgeDocument } from "./document-store.js";
import type { KnowledgeBase, KnowledgeBaseStore, Owner } from "./knowledge-base-store.js";

/** A knowledge base the caller may use (read or search): its account's, within the caller's scope. */
export async function requireKnowledgeBase(
  store: KnowledgeBaseStore,
  owner: Owner,
  kbId: string,
  options?: { counts: boolean },
): Promise<KnowledgeBase> {
  const kb = await store.getKnowledgeBase(owner, kbId, options);
  if (!kb) throw new ApiError("NOT_FOUND", `no knowledge base ${kbId}`);
  return kb;
}

/** A knowledge base the caller may change: the owner any of the account's, a site's key only its own site's. */
export async function requireWritable(store: KnowledgeBaseStore, owner: Owner, kbId: string): Promise<KnowledgeBase> {
  const kb = await requireKnowledgeBase(store, owner, kbId);
  if (owner.siteId && kb.siteId !== owner.siteId)
    throw new ApiError(
      "FORBIDDEN",
      "this knowledge base is shared by every site of the account: a site can search it, only the account owner can change it",
    );
  return kb;
}

export async function requireDocument(
  store: DocumentStore,
  owner: Owner,
  kbId: string,
  docId: string,
): Promise<KnowledgeDocument> {
  const doc = await store.getDocument(owner, kbId, docId);
  if (!doc) throw new ApiError("NOT_FOUND", `no document ${docId} in knowledge base ${kbId}`);
  return doc;
}
