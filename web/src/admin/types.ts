import type { ResponseOf } from "../../../packages/client/src/index";

/** A licence as the admin routes answer it (GET /v1/admin/licenses, an account's `licenses`). */
export type License = ResponseOf<"/v1/admin/licenses", "get">["data"][number];

/** An account as GET /v1/admin/accounts lists it. */
export type AccountSummary = ResponseOf<"/v1/admin/accounts", "get">["data"][number];
