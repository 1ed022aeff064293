/** The knowledge-base API as the dashboard uses it (see product.md). */
export interface KnowledgeBaseInfo {
  id: string;
  name: string;
  /** The site it is restricted to; null: every site of the account may use it. */
  siteId: string | null;
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

/** GET /v1/sites */
export interface SiteInfo {
  id: string;
  url: string;
}

/** How a resource's scope reads to a customer. */
export function scopeLabel(siteId: string | null, sites: SiteInfo[] | undefined): string {
  if (siteId === null) return "All sites";
  const site = sites?.find((s) => s.id === siteId);
  if (site) return `Only ${site.url.replace(/^https?:\/\//, "")}`;
  // GET /v1/sites lists active sites: one the list lacks was deactivated (a site's own key always sees its own).
  return sites ? "Only a deactivated site" : "One site";
}
