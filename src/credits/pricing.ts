import { z } from "zod";

/** Millicredits per credit. Every amount of credits in storage and code is an integer number of millicredits. */
export const MC_PER_CREDIT = 1000;

export const PackSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  priceCents: z.number().int().min(100),
  /** Credits the pack delivers in all, bonus included. */
  credits: z.number().int().positive(),
  bonusCredits: z.number().int().min(0),
  name: z.string().optional(),
});
export type Pack = z.infer<typeof PackSchema>;

export const CostsSchema = z.object({
  /** Training: millicredits per token of extracted text. */
  embedMcPerToken: z.number().int().min(0),
  queryCredits: z.number().min(0),
  generate: z.object({ fast: z.number().min(0), standard: z.number().min(0), ultra: z.number().min(0) }),
  /** Percent added to a generated image's price when its output is 2K. */
  generate2kSurchargePercent: z.number().int().min(0),
  edit: z.object({ upTo1MP: z.number().min(0), larger: z.number().min(0) }),
  upscale: z.object({ x2: z.number().min(0), x4: z.number().min(0) }),
});
export type Costs = z.infer<typeof CostsSchema>;

export const PricingSchema = z
  .object({
    currency: z.literal("usd"),
    /** Credits a dollar buys before any bonus. */
    creditsPerDollar: z.number().int().positive(),
    minTopUpCents: z.number().int().min(50),
    maxTopUpCents: z.number().int().positive(),
    packs: z.array(PackSchema).min(1),
    costs: CostsSchema,
  })
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    for (const pack of p.packs) {
      if (ids.has(pack.id)) ctx.addIssue({ code: "custom", message: `duplicate pack id ${pack.id}` });
      ids.add(pack.id);
      if (pack.bonusCredits >= pack.credits)
        ctx.addIssue({ code: "custom", message: `pack ${pack.id}: bonusCredits must be less than credits` });
    }
  });
export type Pricing = z.infer<typeof PricingSchema>;

export const DEFAULT_PRICING: Pricing = {
  currency: "usd",
  creditsPerDollar: 100,
  minTopUpCents: 100,
  maxTopUpCents: 1_000_000,
  packs: [
    { id: "credits-1000", name: "Starter", priceCents: 1000, credits: 1000, bonusCredits: 0 },
    { id: "credits-2750", name: "Builder", priceCents: 2500, credits: 2750, bonusCredits: 250 },
    { id: "credits-6000", name: "Studio", priceCents: 5000, credits: 6000, bonusCredits: 1000 },
    { id: "credits-13000", name: "Agency", priceCents: 10000, credits: 13000, bonusCredits: 3000 },
  ],
  costs: {
    embedMcPerToken: 1,
    queryCredits: 1,
    generate: { fast: 10, standard: 20, ultra: 30 },
    generate2kSurchargePercent: 50,
    edit: { upTo1MP: 15, larger: 40 },
    upscale: { x2: 10, x4: 20 },
  },
};

export function creditsToMc(credits: number): number {
  return Math.round(credits * MC_PER_CREDIT);
}

/** Millicredits as the API shows them: a number of credits with up to three decimals. */
export function mcToCredits(mc: number): number {
  return mc / MC_PER_CREDIT;
}

/** What a purchase delivers, split into the paid part and the bonus (both in millicredits). */
export interface PurchaseCredits {
  amountCents: number;
  baseMc: number;
  bonusMc: number;
  packId?: string;
}

export function packPurchase(pricing: Pricing, packId: string): PurchaseCredits | undefined {
  const pack = pricing.packs.find((p) => p.id === packId);
  if (!pack) return undefined;
  return {
    amountCents: pack.priceCents,
    baseMc: (pack.credits - pack.bonusCredits) * MC_PER_CREDIT,
    bonusMc: pack.bonusCredits * MC_PER_CREDIT,
    packId: pack.id,
  };
}

/**
 * A top-up of any amount: `creditsPerDollar` per dollar, plus the bonus rate of the largest pack whose price the
 * amount reaches ($60 earns the $50 pack's +20%). The bonus is rounded down to whole millicredits.
 */
export function topUpPurchase(pricing: Pricing, amountCents: number): PurchaseCredits {
  const baseMc = (amountCents * pricing.creditsPerDollar * MC_PER_CREDIT) / 100;
  const tier = bonusTier(pricing, amountCents);
  const bonusMc = tier ? Math.floor((baseMc * tier.bonusCredits) / (tier.credits - tier.bonusCredits)) : 0;
  return { amountCents, baseMc: Math.floor(baseMc), bonusMc };
}

export function bonusTier(pricing: Pricing, amountCents: number): Pack | undefined {
  let best: Pack | undefined;
  for (const pack of pricing.packs) {
    if (pack.bonusCredits > 0 && pack.priceCents <= amountCents && (!best || pack.priceCents > best.priceCents))
      best = pack;
  }
  return best;
}

/** Bonus of a pack as a whole percent of its paid credits (10 for +10%). */
export function bonusPercent(pack: Pack): number {
  const paid = pack.credits - pack.bonusCredits;
  return paid > 0 ? Math.round((pack.bonusCredits * 100) / paid) : 0;
}
