import type { BlobStore } from "../storage/blob-store.js";
import type { ExtractedDocument } from "./extract/index.js";

/**
 * A document's extracted text (its blocks, pages and headings) is kept as a blob for as long as the document lives:
 * background jobs read it, and a change of embedding model re-embeds from it. Deleting the document deletes it.
 */
export const textBlob = (accountId: string, docId: string) => `${accountId}/documents/${docId}.json`;

export async function keepText(
  blobs: BlobStore,
  accountId: string,
  docId: string,
  extracted: ExtractedDocument,
): Promise<void> {
  await blobs.put(textBlob(accountId, docId), Buffer.from(JSON.stringify(extracted)), "application/json");
}

export async function readText(
  blobs: BlobStore,
  accountId: string,
  docId: string,
): Promise<ExtractedDocument | undefined> {
  const blob = await blobs.get(textBlob(accountId, docId));
  return blob ? (JSON.parse(blob.toString("utf8")) as ExtractedDocument) : undefined;
}
