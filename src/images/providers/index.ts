import { z } from "zod";
import { createAutomatic1111Provider } from "./automatic1111.js";
import { createComfyUiProvider } from "./comfyui.js";
import { DEFAULT_PROVIDER_OPTIONS, type ProviderOptions, parseProviderEnv } from "./common.js";
import { createGoogleProvider } from "./google.js";
import { createOpenAiProvider } from "./openai.js";
import type { ImageProvider } from "./provider.js";
import { createStabilityProvider } from "./stability.js";

export type { ProviderOptions } from "./common.js";

/** The hosted and self-hosted adapters `createImageProvider` builds synchronously; `local` is loaded lazily. */
export const REMOTE_IMAGE_PROVIDERS = ["google", "gemini", "openai", "stability", "automatic1111", "comfyui"] as const;
export type RemoteImageProviderName = (typeof REMOTE_IMAGE_PROVIDERS)[number];

const int = (min: number, max: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(min).max(max).optional());

const OptionsEnv = z.object({
  IMAGE_PROVIDER_TIMEOUT_MS: int(1_000, 3_600_000),
  IMAGE_PROVIDER_ATTEMPTS: int(1, 10),
  IMAGE_PROVIDER_MAX_WAIT_MS: int(1_000, 24 * 3_600_000),
});

/** Network options from IMAGE_PROVIDER_TIMEOUT_MS / _ATTEMPTS / _MAX_WAIT_MS, then `overrides` (tests use short ones). */
export function providerOptionsFrom(
  env: Record<string, string | undefined>,
  overrides: Partial<ProviderOptions> = {},
): ProviderOptions {
  const parsed = parseProviderEnv("image", OptionsEnv, env);
  return {
    ...DEFAULT_PROVIDER_OPTIONS,
    ...(parsed.IMAGE_PROVIDER_TIMEOUT_MS !== undefined ? { timeoutMs: parsed.IMAGE_PROVIDER_TIMEOUT_MS } : {}),
    ...(parsed.IMAGE_PROVIDER_ATTEMPTS !== undefined ? { attempts: parsed.IMAGE_PROVIDER_ATTEMPTS } : {}),
    ...(parsed.IMAGE_PROVIDER_MAX_WAIT_MS !== undefined ? { maxWaitMs: parsed.IMAGE_PROVIDER_MAX_WAIT_MS } : {}),
    ...overrides,
  };
}

/**
 * Builds the adapter `name` from the raw environment, each reading its own variable group (see README.md); a
 * missing or invalid variable throws an Error that names it, so start-up stops with a clear message.
 */
export function createImageProvider(
  name: RemoteImageProviderName,
  env: Record<string, string | undefined>,
  overrides: Partial<ProviderOptions> = {},
): ImageProvider {
  const options = providerOptionsFrom(env, overrides);
  switch (name) {
    case "google":
      return createGoogleProvider(env, options, "google");
    case "gemini":
      return createGoogleProvider(env, options, "gemini");
    case "openai":
      return createOpenAiProvider(env, options);
    case "stability":
      return createStabilityProvider(env, options);
    case "automatic1111":
      return createAutomatic1111Provider(env, options);
    case "comfyui":
      return createComfyUiProvider(env, options);
    default:
      throw new Error(`unknown image provider "${String(name)}" (the local engine is built from ./local.js)`);
  }
}

/** Every IMAGE_PROVIDER value. */
export type ImageProviderName = RemoteImageProviderName | "local";

/**
 * Like createImageProvider, and also `local`: the offline engine is imported only when chosen, so a service that
 * uses a hosted provider never loads TensorFlow or starts the engine's worker thread. The local provider has a
 * `close()` that stops that worker; call it on shutdown.
 */
export async function loadImageProvider(
  name: ImageProviderName,
  env: Record<string, string | undefined>,
  overrides: Partial<ProviderOptions> = {},
): Promise<ImageProvider & { close?: () => Promise<void> }> {
  if (name !== "local") return createImageProvider(name, env, overrides);
  const { createLocalProvider } = await import("./local.js");
  return createLocalProvider();
}
