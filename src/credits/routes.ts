import type { UploadedFile } from "../http/multipart.js";
import type { App } from "../http/server.js";
import { adminAccountStatementRoutes } from "./admin-account-routes.js";
import { creditsAdminRoutes } from "./admin-routes.js";
import type { ImageOffer } from "./catalogue.js";
import { catalogueRoutes } from "./catalogue-routes.js";
import type { Ledger } from "./ledger.js";
import type { ReferenceNames } from "./ledger-describe.js";
import type { PricingSource } from "./pricing-source.js";
import { quoteRoutes } from "./quote-routes.js";
import { type SpendLimitRouteDeps, spendLimitRoutes } from "./spend-limit-routes.js";
import { statementRoutes } from "./statement-routes.js";

export interface CreditsRouteDeps extends SpendLimitRouteDeps {
  ledger: Ledger;
  pricing: PricingSource;
  textTokens: (text: string, name?: string) => number;
  /** Billable tokens of an uploaded file, read exactly as an upload would read it. */
  fileTokens: (file: UploadedFile) => Promise<{ tokens: number; pages?: number }>;
  tokenizerName: string;
  accountExists: (accountId: string) => Promise<boolean>;
  /** Names of the documents and knowledge bases ledger entries refer to, looked up when the ledger is read. */
  referenceNames?: ReferenceNames;
  /** Whether payments are set up (else the pages show that purchases are unavailable). */
  purchasable: boolean;
  /** The image operations this deployment offers (the price list sells only these); absent: all of them. */
  imageOffer?: ImageOffer;
}

/** The credits API, registered in this order (the OpenAPI document lists the paths as registered). */
export function creditsRoutes(app: App, deps: CreditsRouteDeps): void {
  catalogueRoutes(app, deps);
  statementRoutes(app, deps);
  quoteRoutes(app, deps);
  spendLimitRoutes(app, deps);
  creditsAdminRoutes(app, deps);
  adminAccountStatementRoutes(app, deps);
}
