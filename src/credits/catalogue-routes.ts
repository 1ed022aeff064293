import { z } from "zod";
import { Credits } from "../http/schemas.js";
import type { App } from "../http/server.js";
import { priceCatalogue } from "./catalogue.js";
import { bonusPercent } from "./pricing.js";
import type { CreditsRouteDeps } from "./routes.js";

const Pack = z.object({
  id: z.string(),
  name: z.string().optional(),
  priceCents: z.number().int(),
  currency: z.literal("usd"),
  credits: z.number().int(),
  bonusCredits: z.number().int(),
  bonusPercent: z.number().int(),
});

/** What is on sale and what each operation costs: public, no key needed. */
export function catalogueRoutes(app: App, deps: CreditsRouteDeps): void {
  app.get(
    "/v1/packs",
    {
      schema: {
        tags: ["credits"],
        summary: "The credit packs on sale",
        response: {
          200: z.object({
            data: z.array(Pack),
            purchasable: z.boolean().describe("false while this service takes no payments (Stripe not set up)"),
          }),
        },
      },
    },
    async () => ({
      purchasable: deps.purchasable,
      data: deps.pricing
        .current()
        .packs.map((p) => ({ ...p, currency: "usd" as const, bonusPercent: bonusPercent(p) })),
    }),
  );

  app.get(
    "/v1/pricing",
    {
      schema: {
        tags: ["credits"],
        summary: "What each operation costs, in credits (only the image operations this service offers)",
        response: {
          200: z.object({
            currency: z.literal("usd"),
            creditPriceCents: z.number(),
            minTopUpCents: z.number().int(),
            tokenizer: z.string(),
            operations: z.array(
              z.object({
                operation: z.string(),
                unit: z.string(),
                credits: Credits.describe("Credits per unit"),
                description: z.string(),
                surcharge: z
                  .object({
                    size: z.literal("2K"),
                    percent: z.number().describe("Percent added to the price"),
                    credits: Credits.describe("Credits per unit with the surcharge"),
                  })
                  .optional()
                  .describe("A price on top of this one: 2K output of a generated image"),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const pricing = deps.pricing.current();
      return {
        currency: "usd" as const,
        creditPriceCents: 100 / pricing.creditsPerDollar,
        minTopUpCents: pricing.minTopUpCents,
        tokenizer: deps.tokenizerName,
        operations: priceCatalogue(pricing, deps.tokenizerName, deps.imageOffer).map((e) => ({
          operation: e.operation,
          unit: e.unit,
          credits: e.credits,
          description: e.description,
          ...(e.surcharge ? { surcharge: e.surcharge } : {}),
        })),
      };
    },
  );
}
