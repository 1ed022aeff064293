import { createWriteStream, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "./config.js";
import { createLedger } from "./credits/create-ledger.js";
import type { LedgerEntry } from "./credits/ledger.js";
import { ledgerCsv } from "./credits/ledger-csv.js";
import { entryDescriber } from "./credits/ledger-describe.js";
import { creditsToMc, DEFAULT_PRICING, mcToCredits } from "./credits/pricing.js";
import { openDatabase } from "./db/open.js";
import { knowledgeReferenceNames } from "./knowledge/reference-names.js";
import { AccountStore } from "./licenses/accounts.js";
import type { Plan } from "./licenses/records.js";
import { LicenseStore } from "./licenses/store.js";
import { ALL_MIGRATIONS } from "./migrations.js";

const HELP = `api-credits — operator commands (they use the same DATA_DIR / DATABASE_URL as the service)

  licenses create --email <email> --plan personal|agency [--expires <ISO date>]
  licenses list [--account <acct_id>]
  licenses revoke|expire|activate <lic_id>
  accounts list [--email <email>]
  grant <acct_id> <credits> --reason <text>     (negative credits adjust down, never below zero)
  ledger export <acct_id> [--out <file.csv>]
  migrate                                        apply database migrations and exit
  admin-token                                    print the operator token (ADMIN_TOKEN or DATA_DIR/admin-token)
  models fetch <owner/model> <dir> [--dtype fp32|fp16|q8|int8|uint8|q4] [--endpoint <url>]
`;

class UsageError extends Error {}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === "") throw new UsageError(`missing ${what}`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  // A negative amount ("-2.5") is a value, not an option.
  const NEGATIVE = "\u0000neg:";
  const parsed = parseArgs({
    args: argv.map((a) => (/^-\d/.test(a) ? `${NEGATIVE}${a}` : a)),
    allowPositionals: true,
    options: {
      email: { type: "string" },
      plan: { type: "string" },
      expires: { type: "string" },
      account: { type: "string" },
      reason: { type: "string" },
      out: { type: "string" },
      dtype: { type: "string" },
      endpoint: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const values = parsed.values;
  const positionals = parsed.positionals.map((p) => (p.startsWith(NEGATIVE) ? p.slice(NEGATIVE.length) : p));
  const [group, action, ...rest] = positionals;
  if (values.help || !group) {
    process.stdout.write(HELP);
    return;
  }
  const config = loadConfig();

  if (group === "admin-token") {
    const file = path.join(config.dataDir, "admin-token");
    const token = config.adminToken ?? (existsSync(file) ? readFileSync(file, "utf8").trim() : undefined);
    if (!token) throw new UsageError("no ADMIN_TOKEN is set and the service has not generated one yet (start it once)");
    process.stdout.write(`${token}\n`);
    return;
  }
  if (group === "models" && action === "fetch") {
    const { fetchModel } = await import("./knowledge/embedders/onnx-fetch.js");
    const result = await fetchModel({
      name: need(rest[0], "<owner/model>"),
      dir: need(rest[1], "<dir>"),
      dtype: values.dtype as "fp32" | undefined,
      endpoint: values.endpoint,
      onProgress: (file: string) => process.stderr.write(`fetched ${file}\n`),
    } as Parameters<typeof fetchModel>[0]);
    process.stdout.write(`${result.dir}\nset EMBEDDING_PROVIDER=onnx and EMBEDDING_MODEL_DIR=${result.dir}\n`);
    return;
  }

  const db = await openDatabase(
    { dataDir: config.dataDir, databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema, poolSize: 2 },
    ALL_MIGRATIONS,
  );
  const ledger = createLedger(db);
  const licenses = new LicenseStore(db.sql);
  const accounts = new AccountStore(db.sql);
  try {
    const command = group === "grant" || group === "migrate" ? group : `${group} ${action ?? ""}`.trim();
    switch (command) {
      case "migrate":
        process.stdout.write(`database is up to date (${db.dialect})\n`);
        break;
      case "licenses create": {
        const plan = need(values.plan, "--plan") as Plan;
        if (plan !== "personal" && plan !== "agency") throw new UsageError("--plan must be personal or agency");
        const expiresAt = values.expires ? Date.parse(values.expires) : undefined;
        if (values.expires && Number.isNaN(expiresAt)) throw new UsageError("--expires is not a date");
        const { license, key } = await licenses.createLicense({
          email: need(values.email, "--email"),
          plan,
          expiresAt,
        });
        process.stdout.write(`${JSON.stringify({ ...license, key }, null, 2)}\n`);
        break;
      }
      case "licenses list": {
        const rows = await licenses.listLicenses({ limit: 1000, accountId: values.account });
        for (const l of rows) process.stdout.write(`${l.id}\t${l.status}\t${l.plan}\t${l.email}\t${l.accountId}\n`);
        break;
      }
      case "licenses revoke":
      case "licenses expire":
      case "licenses activate": {
        const status = action === "revoke" ? "revoked" : action === "expire" ? "expired" : "active";
        const license = await licenses.updateLicense(need(rest[0], "<lic_id>"), { status });
        if (!license) throw new UsageError(`no licence ${rest[0]}`);
        process.stdout.write(`${license.id} is ${license.status}\n`);
        break;
      }
      case "accounts list": {
        for (const a of await accounts.listAccounts({ limit: 1000, email: values.email })) {
          const b = await ledger.balance(a.id);
          process.stdout.write(`${a.id}\t${a.email}\t${mcToCredits(b.availableMc)} credits\n`);
        }
        break;
      }
      case "grant": {
        const accountId = need(action, "<acct_id>");
        const credits = Number(need(rest[0], "<credits>"));
        if (!Number.isFinite(credits) || credits === 0) throw new UsageError("<credits> must be a non-zero number");
        if (!(await accounts.accountExists(accountId))) throw new UsageError(`no account ${accountId}`);
        const mc = creditsToMc(credits);
        const cause = { reason: need(values.reason, "--reason"), reference: "cli" };
        if (mc > 0) await ledger.credit({ accountId, amountMc: mc, type: "grant", cause });
        else {
          const r = await ledger.debit({ accountId, amountMc: -mc, type: "adjustment", cause });
          if (!r.ok) throw new UsageError(`refused: only ${mcToCredits(r.availableMc)} credits are available`);
        }
        const b = await ledger.balance(accountId);
        process.stdout.write(`${accountId}: ${mcToCredits(b.availableMc)} credits\n`);
        break;
      }
      case "ledger export": {
        const accountId = need(rest[0], "<acct_id>");
        const out = values.out ? createWriteStream(values.out) : process.stdout;
        // The operator's export names documents and knowledge bases as the account's owner sees them.
        const names = { pricing: { current: () => DEFAULT_PRICING }, referenceNames: knowledgeReferenceNames(db.sql) };
        const describe = (page: LedgerEntry[]) => entryDescriber(names, { accountId, siteId: null }, page);
        for await (const line of ledgerCsv(ledger, accountId, describe)) out.write(line);
        if (values.out) await new Promise((r) => (out as ReturnType<typeof createWriteStream>).end(r));
        break;
      }
      default:
        throw new UsageError(`unknown command: ${positionals.join(" ")}`);
    }
  } finally {
    await ledger.close();
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error) => {
  if (error instanceof UsageError || error instanceof TypeError) {
    process.stderr.write(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
