import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui";
import { api } from "../../lib/api";
import { formatCredits } from "../../lib/format";
import { useSubmit } from "../../lib/hooks";
import { refreshBalance } from "../session";
import { Results, Working } from "./Results";
import { type ImagesAnswer, quoteCredits } from "./types";

const ASPECT_RATIOS = ["1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "4:5", "5:4", "21:9"];

export function GeneratePanel({ enabled, can2k, onDone }: { enabled: boolean; can2k: boolean; onDone: () => void }) {
  const [prompt, setPrompt] = useState("");
  const [negative, setNegative] = useState("");
  const [quality, setQuality] = useState("standard");
  const [aspect, setAspect] = useState("1:1");
  const [count, setCount] = useState("1");
  const [seed, setSeed] = useState("");
  const [size, setSize] = useState("1K");
  const [price, setPrice] = useState<number | undefined>();
  // The answer shows under the form; the balance is read again whether or not anything was charged.
  const generate = useSubmit(async () => {
    try {
      const body: Record<string, unknown> = {
        prompt: prompt.trim(),
        quality,
        aspectRatio: aspect,
        count: Number(count),
      };
      if (negative.trim()) body.negativePrompt = negative.trim();
      if (seed.trim()) body.seed = Number(seed);
      if (size !== "1K") body.size = size;
      const answer = await api<ImagesAnswer>("POST", "/v1/images/generations", body);
      onDone();
      return answer;
    } finally {
      void refreshBalance();
    }
  });
  const { busy, error, result: answer } = generate;

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    void quoteCredits({ operation: "images.generate", quality, count: Number(count), size }).then(
      (c) => live && setPrice(c),
    );
    return () => {
      live = false;
    };
  }, [enabled, quality, count, size]);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        // A new run forgets the last answer: what shows is this run's.
        generate.reset();
        void generate.submit();
      }}
    >
      <fieldset disabled={!enabled || busy}>
        <legend class="visually-hidden">Generate from a prompt</legend>
        <div class="field">
          <label for="gen-prompt">Prompt</label>
          <textarea
            id="gen-prompt"
            rows={3}
            required
            maxLength={4000}
            value={prompt}
            onInput={(e) => setPrompt(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="gen-negative">Negative prompt (optional)</label>
          <input
            id="gen-negative"
            maxLength={2000}
            value={negative}
            onInput={(e) => setNegative(e.currentTarget.value)}
          />
        </div>
        <div class="form-row">
          <div class="field">
            <label for="gen-quality">Quality</label>
            <select id="gen-quality" value={quality} onChange={(e) => setQuality(e.currentTarget.value)}>
              <option value="fast">Fast</option>
              <option value="standard">Standard</option>
              <option value="ultra">Ultra</option>
            </select>
          </div>
          <div class="field">
            <label for="gen-aspect">Aspect ratio</label>
            <select id="gen-aspect" value={aspect} onChange={(e) => setAspect(e.currentTarget.value)}>
              {ASPECT_RATIOS.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="gen-count">Images</label>
            <select id="gen-count" value={count} onChange={(e) => setCount(e.currentTarget.value)}>
              {[1, 2, 3, 4].map((n) => (
                <option key={n} value={String(n)}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="gen-size">Output size</label>
            <select id="gen-size" value={size} onChange={(e) => setSize(e.currentTarget.value)}>
              <option value="1K">1K</option>
              <option value="2K" disabled={!can2k}>
                2K{can2k ? "" : " — not supported by this provider"}
              </option>
            </select>
          </div>
          <div class="field">
            <label for="gen-seed">Seed (optional)</label>
            <input
              id="gen-seed"
              type="number"
              min={0}
              step={1}
              value={seed}
              onInput={(e) => setSeed(e.currentTarget.value)}
            />
          </div>
        </div>
        <div class="actions">
          <button type="submit" class="button">
            {busy ? "Generating…" : "Generate"}
          </button>
          {price !== undefined ? (
            <span class="muted">Costs {formatCredits(price)} credits; failed or filtered images are free.</span>
          ) : null}
        </div>
      </fieldset>
      {!enabled ? <p class="hint">The configured image provider cannot generate images.</p> : null}
      <Working running={busy} label="Generating" />
      <ErrorMessage error={error} />
      <Results answer={answer} title="Generated" />
    </form>
  );
}
