import { useEffect, useRef, useState } from "preact/hooks";
import { ErrorMessage, Loading, Notice } from "../../components/ui";
import { api } from "../../lib/api";
import { useResource } from "../../lib/hooks";
import { EditPanel } from "./EditPanel";
import { Gallery } from "./Gallery";
import { GeneratePanel } from "./GeneratePanel";
import type { ImageInfo } from "./types";
import { UpscalePanel } from "./UpscalePanel";

interface Capabilities {
  providers?: string[];
  provider?: string;
  capabilities: string[];
}

const TABS = [
  { id: "generate", label: "Generate" },
  { id: "edit", label: "Edit" },
  { id: "upscale", label: "Upscale" },
] as const;
type Tab = (typeof TABS)[number]["id"];

export function ImageStudio() {
  const caps = useResource((signal) => api<Capabilities>("GET", "/v1/images/capabilities", undefined, { signal }), []);
  const [tab, setTab] = useState<Tab>("generate");
  const [picked, setPicked] = useState<ImageInfo | undefined>();
  const [galleryVersion, setGalleryVersion] = useState(0);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const can = new Set(caps.data?.capabilities ?? []);
  const refreshGallery = () => setGalleryVersion((v) => v + 1);

  // Open on a tool the provider has: a local engine, for one, cannot generate but can upscale.
  useEffect(() => {
    const has = new Set(caps.data?.capabilities ?? []);
    if (!caps.data || has.has("generate")) return;
    setTab([...has].some((c) => c.startsWith("edit.")) ? "edit" : "upscale");
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
        <p class="muted">
          Provider: <strong>{caps.data.providers?.join(", ") ?? caps.data.provider}</strong>. Options it does not
          support are disabled.
        </p>
      ) : null}
      {caps.data && !can.has("generate") ? (
        <Notice>The configured provider cannot generate images from text; editing and upscaling may still work.</Notice>
      ) : null}
      <div
        class="tabs"
        role="tablist"
        aria-label="Image tools"
        onKeyDown={(e) => {
          const i = TABS.findIndex((t) => t.id === tab);
          const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
          if (!step) return;
          e.preventDefault();
          const next = (i + step + TABS.length) % TABS.length;
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
        {tab === "edit" ? <EditPanel capabilities={can} picked={picked} onDone={refreshGallery} /> : null}
        {tab === "upscale" ? (
          <UpscalePanel enabled={can.has("upscale")} picked={picked} onDone={refreshGallery} />
        ) : null}
      </div>
      <Gallery
        version={galleryVersion}
        onEdit={(image) => choose("edit", image)}
        onUpscale={(image) => choose("upscale", image)}
      />
    </section>
  );
}
