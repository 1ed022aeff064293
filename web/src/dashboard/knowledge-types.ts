/** The knowledge-base API as the dashboard uses it (see product.md). */
export interface KnowledgeBaseInfo {
  id: string;
  name: string;
  createdAt: string;
  documentCount: number;
}

export type DocumentStatus = "queued" | "processing" | "ready" | "failed";

export interface DocumentInfo {
  id: string;
  name: string;
  status: DocumentStatus;
  progress?: number;
  tokens?: number | null;
  credits?: number | null;
  pages?: number | null;
  error?: string | { code: string; message: string } | null;
  createdAt: string;
}

export interface SearchResult {
  documentId: string;
  documentName: string;
  text: string;
  score: number;
  page?: number | null;
}

export function documentError(d: DocumentInfo): string | undefined {
  if (!d.error) return undefined;
  return typeof d.error === "string" ? d.error : d.error.message || d.error.code;
}
