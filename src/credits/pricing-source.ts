import type { Sql } from "../db/sql.js";
import { ApiError } from "../errors.js";
import { type Pricing, PricingSchema } from "./pricing.js";

/**
 * The prices in force: the operator's last change (kept in the database, so every process of a PostgreSQL
 * deployment agrees within `refreshMs`), else the configuration (CONFIG_FILE or the defaults). Readers call
 * `current()` on each request, so a change shows at once on the pricing page, in quotes, checkout and metering.
 */
export class PricingSource {
  private cached: Pricing;
  private timer?: NodeJS.Timeout;
  private overridden = false;

  constructor(
    private readonly sql: Sql,
    private readonly configured: Pricing,
    private readonly refreshMs = 5_000,
  ) {
    this.cached = configured;
  }

  current(): Pricing {
    return this.cached;
  }

  get isOverridden(): boolean {
    return this.overridden;
  }

  async load(): Promise<Pricing> {
    const row = await this.sql.get<{ value: string }>("SELECT value FROM settings WHERE key = 'pricing'");
    const parsed = row ? PricingSchema.safeParse(JSON.parse(row.value)) : undefined;
    this.overridden = parsed?.success === true;
    this.cached = parsed?.success ? parsed.data : this.configured;
    return this.cached;
  }

  async update(input: unknown): Promise<Pricing> {
    const parsed = PricingSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ApiError("VALIDATION_FAILED", `pricing.${issue?.path.join(".")}: ${issue?.message}`, {
        errors: parsed.error.issues.map((i) => ({ field: i.path.join("."), message: i.message })),
      });
    }
    await this.sql.run(
      `INSERT INTO settings (key, value, updated_at) VALUES ('pricing', ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [JSON.stringify(parsed.data), Date.now()],
    );
    this.cached = parsed.data;
    this.overridden = true;
    return this.cached;
  }

  /** Back to the configured prices. */
  async reset(): Promise<Pricing> {
    await this.sql.run("DELETE FROM settings WHERE key = 'pricing'");
    this.cached = this.configured;
    this.overridden = false;
    return this.cached;
  }

  start(): void {
    this.timer = setInterval(() => void this.load().catch(() => {}), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
