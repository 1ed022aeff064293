import type { FunctionComponent } from "preact";
import type { CustomerSession } from "../session";
import { AutoTopup } from "./AutoTopup";
import { BalanceAlert } from "./BalanceAlert";
import { OperatorChanges } from "./OperatorChanges";
import { SpendLimits } from "./SpendLimits";
import { WebhooksSection } from "./Webhooks";

/** The page's sections, in the order they appear; each feature adds its one line. */
export const SECTIONS: { id: string; Component: FunctionComponent<{ session: CustomerSession }> }[] = [
  { id: "balance-alert", Component: BalanceAlert },
  { id: "webhooks", Component: WebhooksSection },
  { id: "auto-topup", Component: AutoTopup },
  { id: "spend-limits", Component: SpendLimits },
  { id: "operator-changes", Component: OperatorChanges },
];
