import { ENGINES } from "../support/db.js";
import { runLedgerContract } from "./ledger.contract.js";

for (const engine of ENGINES) runLedgerContract(engine);
