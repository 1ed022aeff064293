import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "../../../src/errors.js";
import type { ProviderOptions } from "../../../src/images/providers/index.js";
import type {
  Capability,
  EditMode,
  EditRequest,
  GenerateRequest,
  ImageProvider,
  ProviderContext,
} from "../../../src/images/providers/provider.js";
import { imageInput, maskInput, sizeOf } from "./fakes/png.js";
import type { FakeServer } from "./fakes/server.js";

/** What the contract needs from an adapter's fake: its server and a way to make the next call a safety refusal. */
export interface ContractFake {
  server: FakeServer;
  /** Absent for back ends without a safety filter (Automatic1111, ComfyUI). */
  refuseNext?: (times?: number) => void;
  close(): Promise<void>;
}

export interface ContractSubject {
  fake: ContractFake;
  make(options?: Partial<ProviderOptions>): ImageProvider;
}

/** Short backoffs and timeouts so failure paths stay fast; no assertion ever measures time. */
export const FAST: Partial<ProviderOptions> = {
  attempts: 3,
  backoffMs: 1,
  timeoutMs: 20_000,
  pollIntervalMs: 5,
  maxWaitMs: 20_000,
};

const ctx = (): ProviderContext => ({ signal: new AbortController().signal });
const ALL_EDITS: EditMode[] = ["inpaint", "remove", "outpaint", "background", "instruct"];

export async function expectApiError(promise: Promise<unknown>, code: ApiError["code"]): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected ApiError ${code}`).toBeInstanceOf(ApiError);
  expect((error as ApiError).code, (error as ApiError).message).toBe(code);
  return error as ApiError;
}

export function generation(overrides: Partial<GenerateRequest> = {}): GenerateRequest {
  return {
    prompt: "a lighthouse on a cliff",
    quality: "standard",
    aspectRatio: "1:1",
    count: 1,
    size: "1K",
    ...overrides,
  };
}

export async function editOf(mode: EditMode, overrides: Partial<EditRequest> = {}): Promise<EditRequest> {
  const image = await imageInput(24, 16);
  const needsMask = mode === "inpaint" || mode === "remove";
  return {
    mode,
    image,
    mask: needsMask ? await maskInput(24, 16) : undefined,
    prompt: mode === "remove" ? undefined : "a red boat",
    quality: "standard",
    count: 1,
    outpaint: mode === "outpaint" ? { left: 4, right: 4, top: 0, bottom: 2 } : undefined,
    ...overrides,
  };
}

/** The promises every image adapter keeps for the capabilities it declares; run once per adapter. */
export function runImageProviderContract(label: string, setup: () => Promise<ContractSubject>) {
  describe(`ImageProvider contract: ${label}`, () => {
    let subject: ContractSubject;
    let provider: ImageProvider;
    const has = (c: Capability) => provider.capabilities.has(c);

    beforeAll(async () => {
      subject = await setup();
      provider = subject.make(FAST);
    });
    afterAll(() => subject.fake.close());
    afterEach(() => {
      const violations = [...subject.fake.server.violations];
      subject.fake.server.reset();
      expect(violations, "requests that break the documented format").toEqual([]);
    });

    it("names itself and declares what it can do", () => {
      expect(provider.name).toMatch(/^[a-z0-9]+$/);
      expect(provider.capabilities.has("generate")).toBe(true);
    });

    it("generates the requested number of real images in the requested shape", async () => {
      const result = await provider.generate(generation({ count: 2, aspectRatio: "16:9", seed: 42 }), ctx());
      expect(result.images).toHaveLength(2);
      expect(result.filtered).toBe(0);
      expect(result.model).not.toBe("");
      for (const image of result.images) {
        const size = await sizeOf(image.bytes);
        expect(size.width).toBeGreaterThan(size.height);
        expect(image.mimeType).toBe(`image/${size.format}`);
      }
    });

    it("produces 2K output only when it declares generate.2k", async () => {
      const request = generation({ size: "2K", aspectRatio: "1:1" });
      if (!has("generate.2k")) {
        await expectApiError(provider.generate(request, ctx()), "PROVIDER_NOT_CONFIGURED");
        expect(subject.fake.server.apiCalls()).toHaveLength(0);
        return;
      }
      const one = await provider.generate(generation({ aspectRatio: "1:1" }), ctx());
      const two = await provider.generate(request, ctx());
      expect((await sizeOf(two.images[0]!.bytes)).width).toBeGreaterThan((await sizeOf(one.images[0]!.bytes)).width);
    });

    for (const mode of ALL_EDITS) {
      it(`edit ${mode}: returns images when declared, refuses without a call when not`, async () => {
        const request = await editOf(mode, { count: 2 });
        if (!has(`edit.${mode}`)) {
          await expectApiError(provider.edit(request, ctx()), "PROVIDER_NOT_CONFIGURED");
          expect(subject.fake.server.apiCalls()).toHaveLength(0);
          return;
        }
        const result = await provider.edit(request, ctx());
        expect(result.images.length).toBe(2);
        for (const image of result.images)
          await expect(sizeOf(image.bytes)).resolves.toMatchObject({ width: expect.any(Number) });
      });
    }

    it("refuses a mask-based edit without a mask, or with a mask of another size, before any call", async () => {
      const mode = (["inpaint", "remove"] as const).find((m) => has(`edit.${m}`));
      if (!mode) return;
      await expectApiError(provider.edit(await editOf(mode, { mask: undefined }), ctx()), "VALIDATION_FAILED");
      await expectApiError(
        provider.edit(await editOf(mode, { mask: await maskInput(10, 10) }), ctx()),
        "VALIDATION_FAILED",
      );
      expect(subject.fake.server.requests).toHaveLength(0);
    });

    it("upscales to exactly factor × the input, or refuses when it cannot", async () => {
      const image = await imageInput(12, 8);
      if (!has("upscale")) {
        await expectApiError(provider.upscale({ image, factor: 2 }, ctx()), "PROVIDER_NOT_CONFIGURED");
        expect(subject.fake.server.apiCalls()).toHaveLength(0);
        return;
      }
      for (const factor of [2, 4] as const) {
        const result = await provider.upscale({ image, factor }, ctx());
        expect(result.images).toHaveLength(1);
        expect(await sizeOf(result.images[0]!.bytes)).toMatchObject({ width: 12 * factor, height: 8 * factor });
      }
    });

    it("retries a 429 (honouring Retry-After) and then succeeds", async () => {
      subject.fake.server.script({ status: 429, headers: { "retry-after": "0" }, body: { error: "slow down" } });
      const result = await provider.generate(generation(), ctx());
      expect(result.images).toHaveLength(1);
      const [refused, retried] = subject.fake.server.apiCalls();
      expect(retried?.path).toBe(refused?.path);
      expect(retried?.body.length).toBe(refused?.body.length);
    });

    it("turns a 5xx that outlasts the retries into PROVIDER_ERROR after exactly `attempts` tries", async () => {
      subject.fake.server.script({ status: 503, body: { error: "overloaded" } }, 3);
      const error = await expectApiError(provider.generate(generation(), ctx()), "PROVIDER_ERROR");
      expect(error.details.upstreamStatus).toBe(503);
      expect(subject.fake.server.apiCalls()).toHaveLength(3);
    });

    it("turns a 429 that outlasts the retries into RATE_LIMITED", async () => {
      subject.fake.server.script({ status: 429, headers: { "retry-after": "0" }, body: { error: "quota" } }, 3);
      await expectApiError(provider.generate(generation(), ctx()), "RATE_LIMITED");
      expect(subject.fake.server.apiCalls()).toHaveLength(3);
    });

    it("turns a provider that never answers into PROVIDER_TIMEOUT", async () => {
      subject.fake.server.script("hang", 1);
      const impatient = subject.make({ ...FAST, timeoutMs: 250, attempts: 1 });
      await expectApiError(impatient.generate(generation(), ctx()), "PROVIDER_TIMEOUT");
    });

    it("stops when the caller cancels", async () => {
      const controller = new AbortController();
      controller.abort();
      await expectApiError(provider.generate(generation(), { signal: controller.signal }), "PROVIDER_TIMEOUT");
    });

    it("reports a safety refusal of every image as CONTENT_FILTERED", async () => {
      if (!subject.fake.refuseNext) return;
      subject.fake.refuseNext(1);
      const error = await expectApiError(provider.generate(generation(), ctx()), "CONTENT_FILTERED");
      expect(error.details.filtered).toBe(1);
    });
  });
}
