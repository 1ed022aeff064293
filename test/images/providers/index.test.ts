import { describe, expect, it } from "vitest";
import {
  createImageProvider,
  loadImageProvider,
  providerOptionsFrom,
  REMOTE_IMAGE_PROVIDERS,
} from "../../../src/images/providers/index.js";

describe("createImageProvider", () => {
  it("knows every remote provider name and refuses others", () => {
    expect(REMOTE_IMAGE_PROVIDERS).toEqual(["google", "gemini", "openai", "stability", "automatic1111", "comfyui"]);
    expect(() => createImageProvider("dalle" as "openai", {})).toThrow(/unknown image provider/);
  });

  it("reads network options from the environment, and lets explicit overrides win", () => {
    const env = {
      IMAGE_PROVIDER_TIMEOUT_MS: "5000",
      IMAGE_PROVIDER_ATTEMPTS: "5",
      IMAGE_PROVIDER_MAX_WAIT_MS: "60000",
    };
    expect(providerOptionsFrom(env)).toMatchObject({ timeoutMs: 5000, attempts: 5, maxWaitMs: 60000 });
    expect(providerOptionsFrom(env, { timeoutMs: 250 })).toMatchObject({ timeoutMs: 250, attempts: 5 });
    expect(providerOptionsFrom({})).toMatchObject({ timeoutMs: 120_000, attempts: 3 });
    expect(() => providerOptionsFrom({ IMAGE_PROVIDER_ATTEMPTS: "0" })).toThrow(/IMAGE_PROVIDER_ATTEMPTS/);
  });

  it("builds remote providers through loadImageProvider too, without loading the local engine", async () => {
    const provider = await loadImageProvider("openai", { OPENAI_API_KEY: "k" });
    expect(provider.name).toBe("openai");
  });
});
