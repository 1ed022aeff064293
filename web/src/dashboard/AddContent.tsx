import { useRef, useState } from "preact/hooks";
import { ErrorMessage, ProgressBar } from "../components/ui";
import { apiWithStatus, upload } from "../lib/api";
import { formatBytes, formatCost } from "../lib/format";
import { useActions } from "../lib/hooks";
import type { DocumentInfo } from "./knowledge-types";

type Form = "file" | "text" | "url";

/** What an added document's answer means, in words: 200 is content already indexed (free), 201 indexed, 202 queued. */
function addedMessage({ body: doc, status }: { body: DocumentInfo; status: number }): string {
  if (status === 200) return `Already indexed — nothing charged. “${doc.name}” is in this knowledge base.`;
  if (status === 201) return `Indexed “${doc.name}” — ${formatCost(doc.credits ?? 0)} credits.`;
  return `Added “${doc.name}”: indexing in the background. Its progress shows in the list below.`;
}

const ACCEPT =
  ".pdf,.txt,.md,.markdown,.html,.htm,.docx,.csv,application/pdf,text/plain,text/markdown,text/html,text/csv";

/** Adds a document: a file (uploaded with progress), pasted text, or a website to crawl. */
export function AddContent({ base, onAdded }: { base: string; onAdded: () => Promise<void> }) {
  const [file, setFile] = useState<File | undefined>();
  const [progress, setProgress] = useState<number | undefined>();
  // Errors and outcomes belong to the form that caused them, and show right under its button.
  const adding = useActions<Form>();
  const busy = adding.busy;
  const [done, setDone] = useState<{ form: Form; message: string }>();
  const [text, setText] = useState("");
  const [textName, setTextName] = useState("");
  const [url, setUrl] = useState("");
  const [maxPages, setMaxPages] = useState("25");
  const [maxDepth, setMaxDepth] = useState("2");
  const fileInput = useRef<HTMLInputElement>(null);
  const abort = useRef<(() => void) | undefined>(undefined);

  const status = useRef<Partial<Record<Form, HTMLParagraphElement | null>>>({});

  const run = async (form: Form, work: () => Promise<{ body: DocumentInfo; status: number }>) => {
    if (busy) return;
    // Focus moves to the form's live status before anything is disabled: it is never lost to the page body, and the
    // status announces progress and the outcome.
    status.current[form]?.focus();
    setDone(undefined);
    await adding.run(form, async () => {
      try {
        const answer = await work();
        setDone({ form, message: addedMessage(answer) });
        await onAdded();
      } finally {
        setProgress(undefined);
        abort.current = undefined;
      }
    });
  };

  /** The live status and the error of one form, right under its button. */
  const outcome = (form: Form, working: string) => (
    <>
      <p
        class="inline-status"
        role="status"
        tabIndex={-1}
        ref={(el) => {
          status.current[form] = el;
        }}
        data-testid={`status-${form}`}
      >
        {busy === form ? working : done?.form === form ? done.message : ""}
      </p>
      <ErrorMessage error={adding.errorAt(form)} />
    </>
  );

  return (
    <div class="card add-content">
      <h2>Add content</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!file) return;
          void run("file", async () => {
            const form = new FormData();
            form.append("file", file, file.name);
            setProgress(0);
            const job = upload<DocumentInfo>(`${base}/documents`, form, setProgress);
            abort.current = job.abort;
            const answer = await job.done;
            setFile(undefined);
            if (fileInput.current) fileInput.current.value = "";
            return answer;
          });
        }}
      >
        <div class="field">
          <label for="doc-file">Upload a file</label>
          <input
            id="doc-file"
            ref={fileInput}
            type="file"
            accept={ACCEPT}
            onChange={(e) => setFile(e.currentTarget.files?.[0])}
            aria-describedby="doc-file-hint"
          />
          <p id="doc-file-hint" class="hint">
            PDF, Word (.docx), Markdown, HTML, CSV or plain text.
            {file ? ` Selected: ${file.name}, ${formatBytes(file.size)}.` : ""}
          </p>
        </div>
        {progress !== undefined ? (
          <ProgressBar value={progress < 1 ? progress : undefined} label={progress < 1 ? "Uploading" : "Processing…"} />
        ) : null}
        <div class="actions">
          <button type="submit" class="button" disabled={!file} aria-disabled={busy ? "true" : undefined}>
            Upload
          </button>
          {abort.current ? (
            <button type="button" class="button button--ghost" onClick={() => abort.current?.()}>
              Cancel upload
            </button>
          ) : null}
        </div>
        {outcome("file", `Uploading ${file?.name ?? "the file"}…`)}
      </form>
      <details>
        <summary>Paste text</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run("text", async () => {
              const answer = await apiWithStatus<DocumentInfo>("POST", `${base}/documents`, {
                text,
                name: textName.trim() || "Pasted text",
              });
              setText("");
              setTextName("");
              return answer;
            });
          }}
        >
          <div class="field">
            <label for="doc-text-name">Name</label>
            <input
              id="doc-text-name"
              value={textName}
              maxLength={200}
              onInput={(e) => setTextName(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="doc-text">Text</label>
            <textarea id="doc-text" rows={6} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
          </div>
          <button type="submit" class="button" disabled={!text.trim()} aria-disabled={busy ? "true" : undefined}>
            Add text
          </button>
          {outcome("text", "Adding the text…")}
        </form>
      </details>
      <details>
        <summary>Crawl a website</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run("url", async () => {
              const answer = await apiWithStatus<DocumentInfo>("POST", `${base}/documents`, {
                url: url.trim(),
                maxPages: Number(maxPages),
                maxDepth: Number(maxDepth),
              });
              setUrl("");
              return answer;
            });
          }}
        >
          <div class="field">
            <label for="doc-url">Start URL</label>
            <input
              id="doc-url"
              type="url"
              required
              placeholder="https://example.com/docs/"
              value={url}
              onInput={(e) => setUrl(e.currentTarget.value)}
            />
          </div>
          <div class="form-row">
            <div class="field">
              <label for="doc-max-pages">Page limit</label>
              <input
                id="doc-max-pages"
                type="number"
                min={1}
                max={1000}
                value={maxPages}
                onInput={(e) => setMaxPages(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="doc-max-depth">Link depth</label>
              <input
                id="doc-max-depth"
                type="number"
                min={0}
                max={10}
                value={maxDepth}
                onInput={(e) => setMaxDepth(e.currentTarget.value)}
              />
            </div>
          </div>
          <p class="hint">Same site only; robots.txt and the sitemap are honoured.</p>
          <button type="submit" class="button" aria-disabled={busy ? "true" : undefined}>
            Crawl
          </button>
          {outcome("url", "Starting the crawl…")}
        </form>
      </details>
    </div>
  );
}
