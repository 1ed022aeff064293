import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui";
import { api } from "../../lib/api";
import { formatCredits } from "../../lib/format";
import { useSubmit } from "../../lib/hooks";
import { refreshBalance } from "../session";
import { Results, Working } from "./Results";
import { SourcePicker } from "./SourcePicker";
import { type ImageInfo, type ImageSource, type ImagesAnswer, quoteCredits, sourceBody } from "./types";

export function UpscalePanel({
  enabled,
  picked,
  version,
  onDone,
}: {
  enabled: boolean;
  picked?: ImageInfo;
  /** Changes when the gallery changed: the picker re-reads the stored images. */
  version: number;
  onDone: () => void;
}) {
  const [source, setSource] = useState<ImageSource | undefined>();
  const [factor, setFactor] = useState<2 | 4>(2);
  const [method, setMethod] = useState("");
  const [price, setPrice] = useState<number | undefined>();
  // The answer shows under the form; the balance is read again whether or not anything was charged.
  const upscale = useSubmit(async (from: ImageSource) => {
    try {
      const body = { ...sourceBody(from), factor, ...(method ? { method } : {}) };
      const answer = await api<ImagesAnswer>("POST", "/v1/images/upscales", body);
      onDone();
      return answer;
    } finally {
      void refreshBalance();
    }
  });
  const { busy, error, result: answer } = upscale;

  useEffect(() => {
    let live = true;
    if (enabled) void quoteCredits({ operation: "images.upscale", factor }).then((c) => live && setPrice(c));
    return () => {
      live = false;
    };
  }, [enabled, factor]);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!source) return;
        // A new run forgets the last answer: what shows is this run's.
        upscale.reset();
        void upscale.submit(source);
      }}
    >
      <SourcePicker
        id="upscale"
        picked={picked}
        version={version}
        value={source}
        onChange={setSource}
        disabled={!enabled || busy}
      />
      <fieldset class="choices" disabled={!enabled || busy}>
        <legend>Factor</legend>
        {([2, 4] as const).map((f) => (
          <label key={f} class="choice">
            <input
              type="radio"
              name="upscale-factor"
              value={String(f)}
              checked={factor === f}
              onChange={() => setFactor(f)}
            />
            ×{f}
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for="upscale-method">Method</label>
        <select
          id="upscale-method"
          value={method}
          disabled={!enabled || busy}
          onChange={(e) => setMethod(e.currentTarget.value)}
        >
          <option value="">Automatic</option>
          <option value="learned">Learned (sharper, slower)</option>
          <option value="fast">Fast (Lanczos)</option>
        </select>
      </div>
      <div class="actions">
        <button type="submit" class="button" disabled={!enabled || busy || !source}>
          {busy ? "Upscaling…" : "Upscale"}
        </button>
        {price !== undefined ? <span class="muted">Costs {formatCredits(price)} credits.</span> : null}
      </div>
      {!enabled ? <p class="hint">The configured image provider cannot upscale.</p> : null}
      <Working running={busy} label="Upscaling" />
      <ErrorMessage error={error} />
      <Results answer={answer} title="Upscaled" />
    </form>
  );
}
