import type { LedgerWrite } from "../credits/ledger.js";
import type { Charge, Metering } from "../credits/metering.js";
import type { Pricing } from "../credits/pricing.js";
import { editImageMc, generateImageMc, upscaleMc } from "../credits/quotes.js";
import { ApiError } from "../errors.js";
import { newId } from "../lib/ids.js";
import type { BlobStore } from "../storage/blob-store.js";
import { toCustomerFailure } from "./provider-failures.js";
import type {
  Capability,
  EditRequest,
  GenerateRequest,
  ImageInput,
  ProviderResult,
  UpscaleRequest,
} from "./providers/provider.js";
import type { ProviderChain } from "./router.js";
import type { ImageOwner, ImageStore, StoredImage } from "./store.js";
import { readImageSize, sniffImageType } from "./validate.js";

export interface RequestMeta {
  ledgerKey?: string;
  requestId?: string;
  /** Writes to commit with the charge, given the result (the request's stored idempotent reply). */
  writes?: (result: ImageResult) => LedgerWrite[];
}

export interface ImageResult {
  images: StoredImage[];
  chargedMc: number;
  filtered: number;
}

const blobKeyOf = (accountId: string, imageId: string, mime: string) =>
  `${accountId}/images/${imageId}.${mime === "image/jpeg" ? "jpg" : mime === "image/webp" ? "webp" : "png"}`;

/**
 * Image operations, metered per image returned: a hold at the most the request can cost, the provider call, the
 * images stored, then the capture of what came back. Failures, timeouts and filtered images cost nothing.
 */
export class ImageService {
  constructor(
    private readonly deps: {
      store: ImageStore;
      blobs: BlobStore;
      chain: ProviderChain;
      metering: Metering;
      pricing: () => Pricing;
      /** Upper bound on one provider call; the adapters have their own per-attempt timeouts inside it. */
      operationTimeoutMs: number;
      /** A provider failed because of the operator's account (key, credit, quota): tell the operator. */
      onOperatorProblem?: (problem: { provider?: string; upstreamStatus?: number; detail: string }) => void;
    },
  ) {}

  get capabilities(): Capability[] {
    return this.deps.chain.capabilities;
  }

  get providerNames(): string[] {
    return this.deps.chain.providers.map((p) => p.name);
  }

  async generate(owner: ImageOwner, request: GenerateRequest, meta: RequestMeta): Promise<ImageResult> {
    const capability: Capability = request.size === "2K" ? "generate.2k" : "generate";
    this.deps.chain.require(capability);
    const perImage = generateImageMc(this.deps.pricing(), request.quality, request.size);
    return this.metered(owner, {
      operation: "generate",
      capability,
      perImageMc: perImage,
      maxImages: request.count,
      prompt: request.prompt,
      params: {
        quality: request.quality,
        aspectRatio: request.aspectRatio,
        size: request.size,
        seed: request.seed ?? null,
        negativePrompt: request.negativePrompt ?? null,
      },
      meta,
      call: (p, ctx) => p.generate(request, ctx),
    });
  }

  async edit(
    owner: ImageOwner,
    request: EditRequest & { sourceImageId?: string },
    meta: RequestMeta,
  ): Promise<ImageResult> {
    const capability = `edit.${request.mode}` as Capability;
    this.deps.chain.require(capability);
    const perImage = editImageMc(this.deps.pricing(), {
      width: request.image.width,
      height: request.image.height,
      quality: request.quality,
    });
    return this.metered(owner, {
      operation: "edit",
      capability,
      perImageMc: perImage,
      maxImages: request.count,
      prompt: request.prompt ?? null,
      sourceImageId: request.sourceImageId,
      params: {
        mode: request.mode,
        quality: request.quality,
        seed: request.seed ?? null,
        outpaint: request.outpaint ?? null,
      },
      meta,
      call: (p, ctx) => p.edit(request, ctx),
    });
  }

  async upscale(
    owner: ImageOwner,
    request: UpscaleRequest & { sourceImageId?: string },
    meta: RequestMeta,
  ): Promise<ImageResult> {
    this.deps.chain.require("upscale");
    return this.metered(owner, {
      operation: "upscale",
      capability: "upscale",
      perImageMc: upscaleMc(this.deps.pricing(), request.factor),
      maxImages: 1,
      prompt: null,
      sourceImageId: request.sourceImageId,
      params: { factor: request.factor, method: request.method ?? null },
      meta,
      call: (p, ctx) => p.upscale(request, ctx),
    });
  }

  private async metered(
    owner: ImageOwner,
    op: {
      operation: StoredImage["operation"];
      capability: Capability;
      perImageMc: number;
      maxImages: number;
      prompt: string | null;
      sourceImageId?: string;
      params: Record<string, unknown>;
      meta: RequestMeta;
      call: (
        provider: import("./providers/provider.js").ImageProvider,
        ctx: { signal: AbortSignal; requestId?: string },
      ) => Promise<ProviderResult>;
    },
  ): Promise<ImageResult> {
    const { metering, chain, store, blobs } = this.deps;
    const operation = `images.${op.operation}`;
    const { result, chargedMc } = await metering.metered<ImageResult>(
      {
        accountId: owner.accountId,
        maxMc: op.perImageMc * op.maxImages,
        operation,
        idemKey: op.meta.ledgerKey,
        requestId: op.meta.requestId,
        writes: op.meta.writes && (({ result }) => op.meta.writes!(result)),
      },
      async (): Promise<Charge<ImageResult>> => {
        const signal = AbortSignal.timeout(this.deps.operationTimeoutMs);
        const { result: out, provider } = await chain
          .run(op.capability, (p) => op.call(p, { signal, requestId: op.meta.requestId }))
          .catch((error) => {
            throw toCustomerFailure(error, this.deps.onOperatorProblem);
          });
        // A provider never bills more images than were asked for.
        const returned = out.images.slice(0, op.maxImages);
        if (returned.length === 0)
          throw new ApiError("CONTENT_FILTERED", "the provider returned no image (all were filtered)", {
            filtered: out.filtered,
          });
        const stored: StoredImage[] = [];
        try {
          // Each image's bytes and its row are written side by side (two flushes in parallel, not in series).
          await Promise.all(
            returned.map(async (img) => {
              const type = sniffImageType(img.bytes);
              const size = type ? readImageSize(img.bytes, type) : undefined;
              if (!type || !size)
                throw new ApiError("PROVIDER_ERROR", `${provider.name} returned something that is not an image`);
              const id = newId("img");
              const image: StoredImage = {
                id,
                accountId: owner.accountId,
                siteId: owner.siteId,
                operation: op.operation,
                provider: provider.name,
                model: out.model,
                mimeType: type,
                width: size.width,
                height: size.height,
                bytes: img.bytes.length,
                blobKey: blobKeyOf(owner.accountId, id, type),
                prompt: op.prompt,
                params: op.params,
                sourceImageId: op.sourceImageId ?? null,
                chargedMc: op.perImageMc,
                requestId: op.meta.requestId ?? null,
                createdAt: Date.now(),
              };
              stored.push(image);
              await Promise.all([blobs.put(image.blobKey, img.bytes, type), store.insert(image)]);
            }),
          );
        } catch (error) {
          for (const s of stored) await this.removeImage(owner.accountId, s).catch(() => {});
          throw error;
        }
        stored.sort((a, b) => (a.id < b.id ? -1 : 1));
        return {
          result: { images: stored, chargedMc: op.perImageMc * stored.length, filtered: out.filtered },
          chargeMc: op.perImageMc * stored.length,
          quantity: {
            images: stored.length,
            filtered: out.filtered,
            provider: provider.name,
            model: out.model,
            pixels: stored.reduce((s, i) => s + i.width * i.height, 0),
            imageIds: stored.map((s) => s.id),
            ...("quality" in op.params ? { quality: op.params.quality } : {}),
            ...("factor" in op.params ? { factor: op.params.factor } : {}),
          },
        };
      },
    );
    return { ...result, chargedMc };
  }

  async get(owner: ImageOwner, id: string): Promise<StoredImage> {
    const image = await this.deps.store.get(owner, id);
    if (!image) throw new ApiError("NOT_FOUND", `no image ${id}`);
    return image;
  }

  async content(owner: ImageOwner, id: string): Promise<{ image: StoredImage; bytes: Buffer }> {
    const image = await this.get(owner, id);
    const bytes = await this.deps.blobs.get(image.blobKey);
    if (!bytes) throw new ApiError("NOT_FOUND", `the bytes of image ${id} are gone`);
    return { image, bytes };
  }

  /** An input image given by id: the caller's own stored image, decoded as an ImageInput. */
  async input(owner: ImageOwner, id: string): Promise<ImageInput> {
    const { image, bytes } = await this.content(owner, id);
    return { bytes, mimeType: image.mimeType as ImageInput["mimeType"], width: image.width, height: image.height };
  }

  list(owner: ImageOwner, page: { limit: number; before?: string }): Promise<StoredImage[]> {
    return this.deps.store.list(owner, page);
  }

  /** An image the caller may change: the owner any of the account's, a site's key only its own site's. */
  async requireWritable(owner: ImageOwner, id: string): Promise<StoredImage> {
    const image = await this.get(owner, id);
    if (owner.siteId && image.siteId !== owner.siteId)
      throw new ApiError(
        "FORBIDDEN",
        "this image is shared by every site of the account: a site can use it, only the account owner can change it",
      );
    return image;
  }

  async delete(owner: ImageOwner, id: string): Promise<{ images: number; bytes: number }> {
    const image = await this.requireWritable(owner, id);
    return this.removeImage(owner.accountId, image);
  }

  /** Moves an image to another scope; the owner's alone (the caller checks the site is the account's). */
  async setScope(owner: ImageOwner, id: string, siteId: string | null): Promise<StoredImage> {
    if (owner.siteId) throw new ApiError("FORBIDDEN", "only the account owner can change who may use an image");
    await this.get(owner, id);
    await this.deps.store.setSite(owner.accountId, id, siteId);
    return this.get(owner, id);
  }

  private async removeImage(accountId: string, image: { id: string; blobKey: string }) {
    const bytes = await this.deps.blobs.delete(image.blobKey);
    const images = await this.deps.store.delete(accountId, image.id);
    return { images, bytes };
  }

  /** Every image of the account or, with `siteId`, of that site (what the site's `DELETE /v1/data` removes). */
  async purgeAccount(accountId: string, siteId?: string): Promise<{ images: number; bytes: number; ids: string[] }> {
    let images = 0;
    let bytes = 0;
    const ids: string[] = [];
    for (const img of await this.deps.store.idsOfAccount(accountId, siteId)) {
      const r = await this.removeImage(accountId, img);
      images += r.images;
      bytes += r.bytes;
      ids.push(img.id);
    }
    if (!siteId) bytes += (await this.deps.blobs.deletePrefix(`${accountId}/images`)).bytes;
    return { images, bytes, ids };
  }
}
