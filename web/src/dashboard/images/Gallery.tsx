import { useState } from "preact/hooks";
import { ErrorMessage, Loading } from "../../components/ui";
import { api } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { type Page, useActions, usePages, useResource } from "../../lib/hooks";
import { type SiteInfo, scopeLabel } from "../knowledge-types";
import { ScopeSelect } from "../ScopeSelect";
import type { CustomerSession } from "../session";
import { contentUrl, type ImageInfo, imageName, madeBy } from "./types";

interface GalleryProps {
  session: CustomerSession;
  /** Changes whenever new images were made, to reload the first page. */
  version: number;
  /** Absent when this service cannot edit (or upscale): the image's button is not offered. */
  onEdit?: (image: ImageInfo) => void;
  onUpscale?: (image: ImageInfo) => void;
}

export function Gallery({ session, version, onEdit, onUpscale }: GalleryProps) {
  // Only the account owner chooses who may use an image; a site's key sees its own site's and the shared ones.
  const isOwner = session.siteId === null;
  const sites = useResource((signal) => api<{ data: SiteInfo[] }>("GET", "/v1/sites", undefined, { signal }), []);
  const [scopes, setScopes] = useState<Record<string, string | null>>({});
  const pages = usePages(
    (cursor, signal) =>
      api<Page<ImageInfo>>(
        "GET",
        `/v1/images?limit=24${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        undefined,
        { signal },
      ),
    [version],
  );
  const { first } = pages;
  // Changing who may use an image and deleting one (at the image's id) share one error with "Load more".
  const actions = useActions<string>();
  const [deleted, setDeleted] = useState<Set<string>>(new Set());
  const images = pages.rows
    .filter((i) => !deleted.has(i.id))
    .map((i) => (i.id in scopes ? { ...i, siteId: scopes[i.id]! } : i));
  const siteList = sites.data?.data ?? [];

  return (
    <section class="gallery" aria-labelledby="gallery-title">
      <h2 id="gallery-title">Gallery</h2>
      <ErrorMessage error={first.error} />
      <ErrorMessage error={actions.error ?? pages.moreError} />
      {first.loading && !first.data ? <Loading /> : null}
      {first.data && images.length === 0 ? <p>No images yet.</p> : null}
      <ul class="gallery__grid">
        {images.map((image) => (
          <li key={image.id} class="gallery__item" data-image={image.id}>
            <figure>
              <img
                src={contentUrl(image.id)}
                alt={`${madeBy(image.operation)} image, ${image.width}×${image.height}, made ${formatDate(image.createdAt)}`}
                width={image.width}
                height={image.height}
                loading="lazy"
              />
              <figcaption>
                <span data-testid="image-size">
                  {image.width}×{image.height}
                </span>{" "}
                · {madeBy(image.operation)} · <span class="scope">{scopeLabel(image.siteId, siteList)}</span>
              </figcaption>
              {isOwner && siteList.length > 0 ? (
                <ScopeSelect
                  id={`image-scope-${image.id}`}
                  label="Used by"
                  sites={siteList}
                  value={image.siteId}
                  onChange={async (siteId) => {
                    await actions.run(image.id, async () => {
                      await api("PATCH", `/v1/images/${encodeURIComponent(image.id)}`, { siteId });
                      setScopes((s) => ({ ...s, [image.id]: siteId }));
                    });
                  }}
                />
              ) : null}
            </figure>
            <div class="gallery__actions">
              <a class="button button--ghost button--small" href={contentUrl(image.id)} download={image.id}>
                Download<span class="visually-hidden"> {imageName(image)}</span>
              </a>
              {onEdit ? (
                <button type="button" class="button button--ghost button--small" onClick={() => onEdit(image)}>
                  Edit<span class="visually-hidden"> {imageName(image)}</span>
                </button>
              ) : null}
              {onUpscale ? (
                <button type="button" class="button button--ghost button--small" onClick={() => onUpscale(image)}>
                  Upscale<span class="visually-hidden"> {imageName(image)}</span>
                </button>
              ) : null}
              <button
                type="button"
                class="button button--danger button--small"
                onClick={async () => {
                  if (!window.confirm("Delete this image? This is permanent.")) return;
                  await actions.run(image.id, async () => {
                    await api("DELETE", `/v1/images/${encodeURIComponent(image.id)}`);
                    setDeleted((d) => new Set(d).add(image.id));
                  });
                }}
              >
                Delete<span class="visually-hidden"> {imageName(image)}</span>
              </button>
            </div>
          </li>
        ))}
      </ul>
      {pages.cursor ? (
        <button type="button" class="button button--ghost" onClick={() => void pages.loadMore()}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
