import type { ResponseOf } from "../../../packages/client/src/index";

/**
 * The knowledge-base API as the dashboard uses it: the types the service's route schemas produce (through the
 * OpenAPI document and the typed client's generated types), so a page cannot drift from what the API answers.
 */
export type KnowledgeBaseInfo = ResponseOf<"/v1/knowledge-bases/{id}", "get">;
export type DocumentInfo = ResponseOf<"/v1/knowledge-bases/{id}/documents/{docId}", "get">;
export type DocumentStatus = DocumentInfo["status"];
export type SearchResult = ResponseOf<"/v1/knowledge-bases/{id}/query", "post">["results"][number];

export function documentError(d: DocumentInfo): string | undefined {
  return d.error ? d.error.message || d.error.code : undefined;
}

/** GET /v1/sites */
export type SiteInfo = ResponseOf<"/v1/sites", "get">["data"][number];

/** How a resource's scope reads to a customer. */
export function scopeLabel(siteId: string | null, sites: SiteInfo[] | undefined): string {
  if (siteId === null) return "All sites";
  const site = sites?.find((s) => s.id === siteId);
  if (site) return `Only ${site.url.replace(/^https?:\/\//, "")}`;
  // GET /v1/sites lists active sites: one the list lacks was deactivated (a site's own key always sees its own).
  return sites ? "Only a deactivated site" : "One site";
}
