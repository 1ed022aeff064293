import { useState } from "preact/hooks";
import { ErrorMessage } from "../components/ui";
import { api } from "../lib/api";
import { formatCost } from "../lib/format";
import { useSubmit } from "../lib/hooks";
import type { SearchResult } from "./knowledge-types";
import { refreshBalance } from "./session";

/** A test search of one knowledge base: results with their document, page and score. */
export function SearchPanel({ base }: { base: string }) {
  const [query, setQuery] = useState("");
  const [mode, setMode] = useState("hybrid");
  const [topK, setTopK] = useState("5");
  const search = useSubmit(async () => {
    const found = await api<{ results: SearchResult[]; credits: number }>("POST", `${base}/query`, {
      query: query.trim(),
      mode,
      topK: Number(topK),
    });
    void refreshBalance();
    return found;
  });
  const answer = search.result;

  return (
    <div class="card search">
      <h2>Test a search</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void search.submit();
        }}
      >
        <div class="field">
          <label for="search-query">Question or keywords</label>
          <input
            id="search-query"
            type="search"
            required
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </div>
        <div class="form-row">
          <div class="field">
            <label for="search-mode">Mode</label>
            <select id="search-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
              <option value="hybrid">Hybrid</option>
              <option value="semantic">Semantic</option>
              <option value="keyword">Keyword</option>
            </select>
          </div>
          <div class="field">
            <label for="search-topk">Results</label>
            <input
              id="search-topk"
              type="number"
              min={1}
              max={50}
              value={topK}
              onInput={(e) => setTopK(e.currentTarget.value)}
            />
          </div>
        </div>
        <button type="submit" class="button" aria-disabled={search.busy ? "true" : undefined}>
          {search.busy ? "Searching…" : "Search"}
        </button>
        <p class="hint">Each search costs a credit.</p>
      </form>
      <ErrorMessage error={search.error} />
      {answer ? (
        <div aria-live="polite">
          <p class="muted">
            {answer.results.length} result{answer.results.length === 1 ? "" : "s"} · {formatCost(answer.credits)} credit
            {answer.credits === 1 ? "" : "s"}
          </p>
          <ol class="results">
            {answer.results.map((r, i) => (
              <li key={`${r.documentId}-${i}`} class="result">
                <p class="result__source">
                  <strong>{r.documentName}</strong>
                  {r.page != null ? <span data-testid="result-page">, page {r.page}</span> : null}
                  <span class="muted"> · score {r.score.toFixed(3)}</span>
                </p>
                <Passage text={r.text} />
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}

/** A passage in whole lines: long ones show their first lines and open in full, never cut inside a scroll box. */
function Passage({ text }: { text: string }) {
  const [open, setOpen] = useState(false);
  const long = text.length > 600 || text.split("\n").length > 8;
  return (
    <>
      <blockquote class={`result__text${long && !open ? " result__text--clamped" : ""}`}>{text}</blockquote>
      {long ? (
        <button type="button" class="button button--ghost button--small" onClick={() => setOpen((o) => !o)}>
          {open ? "Show less" : "Show the whole passage"}
        </button>
      ) : null}
    </>
  );
}
