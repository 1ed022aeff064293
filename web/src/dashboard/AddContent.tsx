import { useRef, useState } from "preact/hooks";
import { ErrorMessage, ProgressBar } from "../components/ui";
import { api, upload } from "../lib/api";
import { formatBytes } from "../lib/format";

const ACCEPT =
  ".pdf,.txt,.md,.markdown,.html,.htm,.docx,.csv,application/pdf,text/plain,text/markdown,text/html,text/csv";

/** Adds a document: a file (uploaded with progress), pasted text, or a website to crawl. */
export function AddContent({ base, onAdded }: { base: string; onAdded: () => Promise<void> }) {
  const [file, setFile] = useState<File | undefined>();
  const [progress, setProgress] = useState<number | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState("");
  const [textName, setTextName] = useState("");
  const [url, setUrl] = useState("");
  const [maxPages, setMaxPages] = useState("25");
  const [maxDepth, setMaxDepth] = useState("2");
  const fileInput = useRef<HTMLInputElement>(null);
  const abort = useRef<(() => void) | undefined>(undefined);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
      await onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setProgress(undefined);
      abort.current = undefined;
    }
  };

  return (
    <div class="card add-content">
      <h2>Add content</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!file) return;
          void run(async () => {
            const form = new FormData();
            form.append("file", file, file.name);
            setProgress(0);
            const job = upload(`${base}/documents`, form, setProgress);
            abort.current = job.abort;
            await job.done;
            setFile(undefined);
            if (fileInput.current) fileInput.current.value = "";
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
          <button type="submit" class="button" disabled={!file || busy}>
            Upload
          </button>
          {abort.current ? (
            <button type="button" class="button button--ghost" onClick={() => abort.current?.()}>
              Cancel upload
            </button>
          ) : null}
        </div>
      </form>
      <details>
        <summary>Paste text</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api("POST", `${base}/documents`, { text, name: textName.trim() || "Pasted text" });
              setText("");
              setTextName("");
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
          <button type="submit" class="button" disabled={busy || !text.trim()}>
            Add text
          </button>
        </form>
      </details>
      <details>
        <summary>Crawl a website</summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              await api("POST", `${base}/documents`, {
                url: url.trim(),
                maxPages: Number(maxPages),
                maxDepth: Number(maxDepth),
              });
              setUrl("");
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
          <button type="submit" class="button" disabled={busy}>
            Crawl
          </button>
        </form>
      </details>
      <ErrorMessage error={error} />
    </div>
  );
}
