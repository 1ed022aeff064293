import { api } from "../../lib/api";

/** An image as GET /v1/images lists it. */
export interface ImageInfo {
  id: string;
  url: string;
  width: number;
  height: number;
  operation: string;
  createdAt: string;
}

export interface ImagesAnswer {
  images: { id: string; url: string; width?: number; height?: number }[];
  credits: number;
  /** Images the provider's safety filter removed (not charged). */
  filtered?: number;
}

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
    return (await api<{ credits: number }>("POST", "/v1/quotes", body)).credits;
  } catch {
    return undefined;
  }
}
