import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spendLimitReachedEvent } from "../../src/credits/spend-limits.js";
import { EVENT_TYPES } from "../../src/events/types.js";
import { documentEvent } from "../../src/knowledge/document-events.js";
import { purchaseEventData } from "../../src/payments/fulfilment.js";
import { documentedPayloads, undocumentedFields } from "../support/webhook-docs.js";

const SRC = new URL("../../src", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/**
 * The event types the code writes, however it writes them: every `"a.b"` literal given as an event's `type` (an
 * outbox event, the webhook test event; a ternary's two) or passed to the alerts' `eventIf` (events written by SQL).
 */
function emittedTypes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sourceFiles(SRC))
    for (const line of readFileSync(file, "utf8").split("\n")) {
      // The expression after `type:` (up to the next `,` or `}`), or the first argument of `eventIf(`.
      const spots = [...line.matchAll(/\btype:([^,}]*)|eventIf\(("[^"]*")/g)].map((m) => m[1] ?? m[2]!);
      for (const spot of spots)
        for (const m of spot.matchAll(/"([a-z_]+\.[a-z_]+)"/g))
          found.set(m[1]!, [...(found.get(m[1]!) ?? []), file.slice(SRC.length + 1)]);
    }
  return found;
}

describe("docs/webhooks.md documents every event the service sends", () => {
  const docs = documentedPayloads();

  it("every event type written in the code has its payload section", () => {
    const emitted = emittedTypes();
    // The scan itself works: it finds the types written by the outbox, by SQL and by the test event.
    for (const t of ["purchase.completed", "balance.low", "balance.recovered", "spend_limit.reached", "webhook.test"])
      expect(emitted.has(t), t).toBe(true);
    const undocumented = [...new Set([...emitted.keys(), ...EVENT_TYPES])]
      .filter((t) => !docs.get(t)?.size)
      .map((t) => `${t} (${emitted.get(t)?.join(", ") ?? "EVENT_TYPES"})`);
    expect(undocumented).toEqual([]);
  });

  it("every subscribable type is in the Events table", () => {
    const text = readFileSync(new URL("../../docs/webhooks.md", import.meta.url), "utf8");
    for (const t of EVENT_TYPES) expect(text, t).toMatch(new RegExp(`^\\| \`${t.replace(".", "\\.")}\` +\\|`, "m"));
  });

  it("the payloads the code builds carry only documented fields", () => {
    const pack = { amountCents: 2500, baseMc: 2_500_000, bonusMc: 250_000, packId: "credits-2750" };
    const purchase = purchaseEventData("cs_1", "checkout", pack);
    expect(undocumentedFields("purchase.completed", purchase)).toEqual([]);
    expect(undocumentedFields("auto_topup.succeeded", { attemptId: "atu_1", ...purchase, card: null })).toEqual([]);
    const hit = {
      limitId: "lim_1",
      accountId: "acct_1",
      siteId: "site_1",
      keyId: null,
      period: "day" as const,
      limitMc: 100_000,
      usedMc: 99_500,
      periodStart: Date.UTC(2026, 11, 6),
      resetsAt: Date.UTC(2026, 11, 7),
      firstInPeriod: true,
    };
    expect(undocumentedFields("spend_limit.reached", spendLimitReachedEvent(hit).data)).toEqual([]);
    const kb = { id: "kb_1", name: "Handbook" };
    const doc = { id: "doc_1", accountId: "acct_1", name: "handbook.pdf" };
    const ready = documentEvent(kb, doc, { status: "ready", chargedMc: 9 });
    const failed = documentEvent(kb, doc, { status: "failed", error: "The file is empty." });
    expect(undocumentedFields(ready.type, ready.data)).toEqual([]);
    expect(undocumentedFields(failed.type, failed.data)).toEqual([]);
  });

  it("a field the docs do not list is caught", () => {
    expect(undocumentedFields("purchase.completed", { purchaseId: "cs_1", secretSauce: 1 })).toEqual(["secretSauce"]);
    expect(undocumentedFields("no_such.event", { a: 1 })).toEqual(["a"]);
  });
});
