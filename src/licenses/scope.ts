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
