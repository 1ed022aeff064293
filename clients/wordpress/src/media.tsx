import { useEffect, useRef, useState } from "preact/hooks";
import { formatCredits, newIdempotencyKey, rest } from "./api.js";
import { Failure } from "./widgets.js";

interface Attachment {
  id: number;
  source_url: string;
  title: { rendered: string };
  media_details: { width: number; height: number };
}
interface Outcome {
  status: "done" | "running";
  job?: string;
  attachments: Saved[];
  credits: number;
}
interface Saved {
  id: number;
  url: string;
  width: number;
  height: number;
  editLink: string;
  meta: { operation: string; model: string; credits: number };
}
type Op =
  | { kind: "upscale"; factor: 2 | 4 }
  | { kind: "remove" }
  | { kind: "edit"; prompt: string }
  | { kind: "generate"; prompt: string; quality: string };

/** WordPress's own REST route beside the plugin's; with plain permalinks the route is itself a query parameter. */
function coreRest(path: string, query: Record<string, string>): string {
  const url = new URL(window.apiCredits.rest.replace(/api-credits\/v1$/, "wp/v2") + path, location.href);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

export function MediaScreen() {
  const id = Number(new URLSearchParams(location.search).get("attachment") ?? 0);
  const [attachment, setAttachment] = useState<Attachment | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!id) return;
    fetch(coreRest(`/media/${id}`, { context: "edit" }), {
      credentials: "same-origin",
      headers: { "X-WP-Nonce": window.apiCredits.nonce },
    })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`This image could not be loaded (HTTP ${r.status}).`))))
      .then(setAttachment, setError);
  }, [id]);
  return (
    <div class="api-credits-media">
      <h1>AI images</h1>
      <Failure error={error} />
      {attachment && <ImageOps attachment={attachment} />}
      <Generate />
    </div>
  );
}

/** Quote → confirm → run with one Idempotency-Key → the new attachment. */
function useOperation() {
  const [pending, setPending] = useState<{
    op: Op;
    credits: number;
    run: () => Promise<Outcome>;
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const [polls, setPolls] = useState(0);
  const [result, setResult] = useState<{ attachments: Saved[]; credits: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const propose = async (op: Op, quoteBody: object, path: string, body: object) => {
    setError(null);
    setResult(null);
    try {
      const quote = await rest<{ credits: number }>("/media/quote", { method: "POST", body: quoteBody });
      const idempotencyKey = newIdempotencyKey();
      setPending({
        op,
        credits: quote.credits,
        run: () => rest<Outcome>(path, { method: "POST", body: { ...body, idempotencyKey } }),
      });
    } catch (e) {
      setError(e);
    }
  };
  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setError(null);
    setPolls(0);
    try {
      // Long work answers 202 "running": poll the job (each poll is one bounded request) until it is done.
      let outcome = await pending.run();
      for (let n = 1; outcome.status === "running" && outcome.job; n++) {
        await new Promise((r) => setTimeout(r, Math.min(3000, 500 * n)));
        setPolls(n);
        outcome = await rest<Outcome>(`/media/jobs/${outcome.job}`);
      }
      setResult(outcome);
      setPending(null);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const view = (
    <div class="api-credits-op">
      {pending && (
        <p class="api-credits-quote">
          This costs <strong data-credits={pending.credits}>{formatCredits(pending.credits)}</strong> credits.{" "}
          <button type="button" class="button button-primary api-credits-confirm" disabled={busy} onClick={confirm}>
            {busy ? "Working…" : "Confirm"}
          </button>{" "}
          <button type="button" class="button" disabled={busy} onClick={() => setPending(null)}>
            Cancel
          </button>
        </p>
      )}
      {busy && (
        <p class="api-credits-progress">
          <progress aria-label="Working" /> {polls > 0 ? "Still working: the service is on it…" : "Working…"}
        </p>
      )}
      <Failure error={error} />
      {result && (
        <div class="api-credits-result">
          {result.attachments.map((a) => (
            <p key={a.id}>
              <a href={a.editLink} class="api-credits-new" data-id={a.id} data-width={a.width} data-height={a.height}>
                New image #{a.id}
              </a>{" "}
              {a.width}×{a.height}, {a.meta.operation} with {a.meta.model}, {formatCredits(result.credits)} credits.
            </p>
          ))}
        </div>
      )}
    </div>
  );
  return { propose, view };
}

function ImageOps({ attachment }: { attachment: Attachment }) {
  const { propose, view } = useOperation();
  const mask = useRef<HTMLCanvasElement>(null);
  const [prompt, setPrompt] = useState("");
  const { width, height } = attachment.media_details;
  useEffect(() => {
    const ctx = mask.current?.getContext("2d");
    if (ctx) {
      ctx.fillStyle = "#000";
      ctx.fillRect(0, 0, width, height);
    }
  }, [width, height]);
  const paint = (e: PointerEvent) => {
    if (e.buttons !== 1 || !mask.current) return;
    const box = mask.current.getBoundingClientRect();
    const ctx = mask.current.getContext("2d")!;
    const x = ((e.clientX - box.left) / box.width) * width;
    const y = ((e.clientY - box.top) / box.height) * height;
    ctx.fillStyle = "#fff";
    ctx.beginPath();
    ctx.arc(x, y, Math.max(2, width / 30), 0, Math.PI * 2);
    ctx.fill();
  };
  const upscale = (factor: 2 | 4) => () =>
    propose({ kind: "upscale", factor }, { operation: "images.upscale", factor }, `/media/${attachment.id}/upscale`, {
      factor,
    });
  return (
    <section>
      <h2>
        {attachment.title.rendered
          ? new DOMParser().parseFromString(attachment.title.rendered, "text/html").body.textContent
          : `Image #${attachment.id}`}
      </h2>
      <p>
        {width}×{height}. The original is never changed: every result is a new image in the Media Library.
      </p>
      <div class="api-credits-canvas" style={{ aspectRatio: `${width} / ${height}` }}>
        <img src={attachment.source_url} alt="" />
        <canvas
          ref={mask}
          width={width}
          height={height}
          class="api-credits-mask"
          aria-label="Paint over the object to remove"
          onPointerDown={paint}
          onPointerMove={paint}
        />
      </div>
      <p>
        <button type="button" class="button api-credits-upscale-2" onClick={upscale(2)}>
          Upscale ×2
        </button>{" "}
        <button type="button" class="button api-credits-upscale-4" onClick={upscale(4)}>
          Upscale ×4
        </button>{" "}
        <button
          type="button"
          class="button api-credits-remove"
          onClick={() =>
            propose(
              { kind: "remove" },
              { operation: "images.edit", attachmentId: attachment.id },
              `/media/${attachment.id}/edit`,
              { mode: "remove", mask: mask.current!.toDataURL("image/png") },
            )
          }
        >
          Remove the painted object
        </button>
      </p>
      <p>
        <label>
          Edit with a prompt{" "}
          <input
            class="regular-text api-credits-edit-prompt"
            value={prompt}
            onInput={(e) => setPrompt((e.target as HTMLInputElement).value)}
          />
        </label>{" "}
        <button
          type="button"
          class="button api-credits-edit"
          disabled={!prompt.trim()}
          onClick={() =>
            propose(
              { kind: "edit", prompt },
              { operation: "images.edit", attachmentId: attachment.id },
              `/media/${attachment.id}/edit`,
              { mode: "instruct", prompt },
            )
          }
        >
          Edit
        </button>
      </p>
      {view}
    </section>
  );
}

function Generate() {
  const { propose, view } = useOperation();
  const [prompt, setPrompt] = useState("");
  const [quality, setQuality] = useState("standard");
  return (
    <section>
      <h2>Generate an image</h2>
      <p>
        <input
          class="regular-text api-credits-generate-prompt"
          placeholder="Describe the image"
          value={prompt}
          onInput={(e) => setPrompt((e.target as HTMLInputElement).value)}
        />{" "}
        <select value={quality} onChange={(e) => setQuality((e.target as HTMLSelectElement).value)}>
          <option value="fast">fast</option>
          <option value="standard">standard</option>
          <option value="ultra">ultra</option>
        </select>{" "}
        <button
          type="button"
          class="button api-credits-generate"
          disabled={!prompt.trim()}
          onClick={() =>
            propose(
              { kind: "generate", prompt, quality },
              { operation: "images.generate", quality },
              "/media/generate",
              {
                prompt,
                quality,
              },
            )
          }
        >
          Generate
        </button>
      </p>
      {view}
    </section>
  );
}
