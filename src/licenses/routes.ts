import type { Ledger } from "../credits/ledger.js";
import type { App } from "../http/server.js";
import type { AccountStore } from "./accounts.js";
import { licenseAdminRoutes } from "./admin-routes.js";
import { licenseCustomerRoutes } from "./customer-routes.js";
import type { LicenseStore } from "./store.js";

/**
 * The licence routes: the operator's licences and accounts (`admin-routes.ts`), then what a customer's key sees of
 * its licence (`customer-routes.ts`). Activation and a site's life are `activation-routes.ts` and `site-routes.ts`.
 */
export function licenseRoutes(
  app: App,
  deps: { licenses: LicenseStore; accounts: AccountStore; ledger: Ledger },
): void {
  licenseAdminRoutes(app, deps);
  licenseCustomerRoutes(app, { licenses: deps.licenses });
}
