import { ApiError } from "../errors.js";
import type { Capability, ImageProvider, ProviderResult } from "./providers/provider.js";

/** Errors after which the next provider that can do the operation is tried. */
const FALL_THROUGH = new Set(["PROVIDER_ERROR", "PROVIDER_TIMEOUT", "RATE_LIMITED"]);

/**
 * The configured providers in order of preference: IMAGE_PROVIDER, then IMAGE_FALLBACK_PROVIDER, then the local
 * engine for what it can do offline. An operation goes to the first that declares the capability; when it fails
 * for an upstream reason (not a refusal or a validation error) the next one is tried.
 */
export class ProviderChain {
  constructor(readonly providers: ImageProvider[]) {}

  get capabilities(): Capability[] {
    const all = new Set<Capability>();
    for (const p of this.providers) for (const c of p.capabilities) all.add(c);
    return [...all].sort();
  }

  /** Throws PROVIDER_NOT_CONFIGURED (before any credits are held) when no provider can do `capability`. */
  require(capability: Capability): ImageProvider[] {
    const candidates = this.providers.filter((p) => p.capabilities.has(capability));
    if (candidates.length === 0)
      throw new ApiError(
        "PROVIDER_NOT_CONFIGURED",
        `no configured image provider can do ${capability}; set IMAGE_PROVIDER to one that can (see docs/configuration.md)`,
        { capability, providers: this.providers.map((p) => p.name) },
      );
    return candidates;
  }

  async run(
    capability: Capability,
    call: (provider: ImageProvider) => Promise<ProviderResult>,
  ): Promise<{ result: ProviderResult; provider: ImageProvider }> {
    const candidates = this.require(capability);
    let last: unknown;
    for (const provider of candidates) {
      try {
        return { result: await call(provider), provider };
      } catch (error) {
        last = error;
        if (!(error instanceof ApiError) || !FALL_THROUGH.has(error.code)) throw error;
      }
    }
    throw last;
  }
}
