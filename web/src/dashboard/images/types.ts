import type { ResponseOf } from "../../../../packages/client/src/index";
import { api } from "../../lib/api";

/** An image as GET /v1/images lists it; `siteId` is the site it is restricted to (null: every site may use it). */
export type ImageInfo = ResponseOf<"/v1/images", "get">["data"][number];

const MADE_BY: Record<string, string> = {
  generate: "Generated",
  generation: "Generated",
  edit: "Edited",
  upscale: "Upscaled",
  upload: "Uploaded",
};

/** How an operation reads on an image: "Upscaled", "Generated". */
export const madeBy = (operation: string): string => MADE_BY[operation] ?? MADE_BY[operation.split(".")[0]!] ?? "Image";

/** An image as a person names it: "Upscaled 512×512, Dec 6, 10:01 AM" (never its id). */
export function imageName(image: ImageInfo): string {
  const when = new Date(image.createdAt).toLocaleString("en-US", {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    second: "2-digit",
  });
  return `${madeBy(image.operation)} ${image.width}×${image.height}, ${when}`;
}

/** What generating, editing or upscaling answers; `filtered`: images the provider's safety filter removed (not charged). */
export type ImagesAnswer =
  | ResponseOf<"/v1/images/generations", "post">
  | ResponseOf<"/v1/images/edits", "post">
  | ResponseOf<"/v1/images/upscales", "post">;

/**
 * The bytes of a stored image, from this origin: the API's absolute `url` is built from PUBLIC_URL, which may name
 * another host than the one serving this page (the session cookie only goes to this one).
 */
export const contentUrl = (id: string): string => `/v1/images/${encodeURIComponent(id)}/content`;

/** Where an edit or an upscale takes its input from: a stored image, or a file from this device. */
export type ImageSource =
  | { kind: "stored"; image: ImageInfo }
  | { kind: "file"; dataUrl: string; name: string; width: number; height: number };

export function sourceBody(source: ImageSource): { imageId: string } | { image: string } {
  return source.kind === "stored" ? { imageId: source.image.id } : { image: source.dataUrl };
}

export function sourceUrl(source: ImageSource): string {
  return source.kind === "stored" ? contentUrl(source.image.id) : source.dataUrl;
}

export function sourceSize(source: ImageSource): { width: number; height: number } {
  return source.kind === "stored" ? source.image : source;
}

/** Reads a picked file as a data URL and measures it. */
export async function readImageFile(file: File): Promise<ImageSource> {
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(new Error(`could not read ${file.name}`));
    reader.readAsDataURL(file);
  });
  const img = new Image();
  img.src = dataUrl;
  await img.decode().catch(() => {
    throw new Error(`${file.name} is not an image this browser can read`);
  });
  return { kind: "file", dataUrl, name: file.name, width: img.naturalWidth, height: img.naturalHeight };
}

/** The price of an operation before running it (POST /v1/quotes); undefined when it cannot be quoted. */
export async function quoteCredits(body: Record<string, unknown>): Promise<number | undefined> {
  try {
    return (await api<ResponseOf<"/v1/quotes", "post">>("POST", "/v1/quotes", body)).credits;
  } catch {
    return undefined;
  }
}
