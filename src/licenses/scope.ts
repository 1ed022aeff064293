import { ApiError } from "../errors.js";

/**
 * Who may choose a resource's scope: only the account owner (licence key or owner session), and only one of the
 * account's own sites (or null: every site). A site's key never moves anything — a leaked key cannot widen or
 * narrow what other sites see.
 */
export async function requireScopeChoice(
  sites: { hasSite(accountId: string, siteId: string): Promise<boolean> },
  caller: { accountId: string; siteId: string | null },
  siteId: string | null | undefined,
): Promise<void> {
  if (siteId === undefined) return;
  if (caller.siteId)
    throw new ApiError("FORBIDDEN", "only the account owner can choose which sites may use a resource");
  if (siteId !== null && !(await sites.hasSite(caller.accountId, siteId)))
    throw new ApiError("NOT_FOUND", `no site ${siteId} in this account`, { field: "siteId" });
}

/**
 * The read side of the scope rule, for a store's SQL: the account's shared rows (no site) and, for a site's key, its
 * own site's. `column` is the site column as the query names it (`site_id`, `kb.site_id`).
 */
export function visibleTo(column = "site_id"): string {
  const account = column.includes(".") ? `${column.split(".")[0]}.account_id` : "account_id";
  return `${account} = ? AND (CAST(? AS TEXT) IS NULL OR ${column} IS NULL OR ${column} = ?)`;
}

/** The parameters of `visibleTo`, in its order. */
export const visibleParams = (owner: { accountId: string; siteId: string | null }) => [
  owner.accountId,
  owner.siteId,
  owner.siteId,
];
