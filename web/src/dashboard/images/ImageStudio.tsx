import { useEffect, useRef, useState } from "preact/hooks";
import type { ResponseOf } from "../../../../packages/client/src/index";
import { ErrorMessage, Loading } from "../../components/ui";
import { api } from "../../lib/api";
import { useResource } from "../../lib/hooks";
import type { CustomerSession } from "../session";
import { EditPanel } from "./EditPanel";
import { Gallery } from "./Gallery";
import { GeneratePanel } from "./GeneratePanel";
import type { ImageInfo } from "./types";
import { UpscalePanel } from "./UpscalePanel";

type Capabilities = ResponseOf<"/v1/images/capabilities", "get">;

const ALL_TABS = [
  { id: "generate", label: "Generate" },
  { id: "edit", label: "Edit" },
  { id: "upscale", label: "Upscale" },
] as const;
type Tab = (typeof ALL_TABS)[number]["id"];

/** The tools this service offers, from its providers' capabilities: only those are shown. */
function offeredTabs(can: Set<string>) {
  return ALL_TABS.filter((t) =>
    t.id === "generate"
      ? can.has("generate")
      : t.id === "edit"
        ? [...can].some((c) => c.startsWith("edit."))
        : can.has("upscale"),
  );
}

/** What a customer can do here, in their words: "generate, edit and upscale images", "upscale images and remove objects". */
function offerWords(can: Set<string>): string {
  const edits = [...can].filter((c) => c.startsWith("edit."));
  const onlyRemove = edits.length === 1 && edits[0] === "edit.remove";
  const verbs = [
    ...(can.has("generate") ? ["generate"] : []),
    ...(edits.length > 0 && !onlyRemove ? ["edit"] : []),
    ...(can.has("upscale") ? ["upscale"] : []),
  ];
  const list = verbs.length > 1 ? `${verbs.slice(0, -1).join(", ")} and ${verbs.at(-1)}` : (verbs[0] ?? "");
  if (onlyRemove) return list ? `${list} images and remove objects from them` : "remove objects from images";
  return list ? `${list} images` : "";
}

export function ImageStudio({ session }: { session: CustomerSession }) {
  const caps = useResource((signal) => api<Capabilities>("GET", "/v1/images/capabilities", undefined, { signal }), []);
  const [tab, setTab] = useState<Tab>("generate");
  const [picked, setPicked] = useState<ImageInfo | undefined>();
  const [galleryVersion, setGalleryVersion] = useState(0);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const can = new Set(caps.data?.capabilities ?? []);
  const TABS = offeredTabs(can);
  const words = offerWords(can);
  const refreshGallery = () => setGalleryVersion((v) => v + 1);

  // Open on a tool this service has: a local engine, for one, cannot generate but can upscale.
  useEffect(() => {
    if (!caps.data) return;
    const offered = offeredTabs(new Set(caps.data.capabilities));
    if (offered.length > 0 && !offered.some((t) => t.id === tab)) setTab(offered[0]!.id);
  }, [caps.data]);

  const choose = (t: Tab, image?: ImageInfo) => {
    setTab(t);
    if (image) setPicked(image);
  };

  return (
    <section>
      <h1>Image studio</h1>
      <ErrorMessage error={caps.error} />
      {caps.loading && !caps.data ? <Loading label="Checking what the image provider can do…" /> : null}
      {caps.data ? (
        <p data-testid="studio-offer">
          {words
            ? `Here you can ${words}.`
            : "Image tools are not available on this service yet: the service's operator has not set them up."}
        </p>
      ) : null}
      {TABS.length > 0 ? (
        <>
          <div
            class="tabs"
            role="tablist"
            aria-label="Image tools"
            onKeyDown={(e) => {
              const i = TABS.findIndex((t) => t.id === tab);
              const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
              if (!step) return;
              e.preventDefault();
              const next = (Math.max(0, i) + step + TABS.length) % TABS.length;
              setTab(TABS[next]!.id);
              tabRefs.current[next]?.focus();
            }}
          >
            {TABS.map((t, i) => (
              <button
                key={t.id}
                ref={(el) => {
                  tabRefs.current[i] = el;
                }}
                type="button"
                role="tab"
                id={`tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls={`panel-${t.id}`}
                tabIndex={tab === t.id ? 0 : -1}
                class="tabs__tab"
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} class="tabs__panel card">
            {tab === "generate" ? (
              <GeneratePanel enabled={can.has("generate")} can2k={can.has("generate.2k")} onDone={refreshGallery} />
            ) : null}
            {tab === "edit" ? (
              <EditPanel capabilities={can} picked={picked} version={galleryVersion} onDone={refreshGallery} />
            ) : null}
            {tab === "upscale" ? (
              <UpscalePanel
                enabled={can.has("upscale")}
                picked={picked}
                version={galleryVersion}
                onDone={refreshGallery}
              />
            ) : null}
          </div>
        </>
      ) : null}
      <Gallery
        session={session}
        version={galleryVersion}
        onEdit={TABS.some((t) => t.id === "edit") ? (image) => choose("edit", image) : undefined}
        onUpscale={TABS.some((t) => t.id === "upscale") ? (image) => choose("upscale", image) : undefined}
      />
    </section>
  );
}
