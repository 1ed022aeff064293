import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui";
import { api } from "../../lib/api";
import { formatCredits } from "../../lib/format";
import { useSubmit } from "../../lib/hooks";
import { refreshBalance } from "../session";
import { MaskPainter } from "./MaskPainter";
import { Results, Working } from "./Results";
import { SourcePicker } from "./SourcePicker";
import {
  type ImageInfo,
  type ImageSource,
  type ImagesAnswer,
  quoteCredits,
  sourceBody,
  sourceSize,
  sourceUrl,
} from "./types";

const MODES = [
  { id: "inpaint", label: "Inpaint: replace the masked area from the prompt", mask: true },
  { id: "remove", label: "Remove the masked object", mask: true },
  { id: "outpaint", label: "Outpaint: extend the canvas", mask: false },
  { id: "background", label: "Replace the background", mask: false },
  { id: "instruct", label: "Instruction only (“make it night”)", mask: false },
] as const;

interface EditPanelProps {
  capabilities: Set<string>;
  picked?: ImageInfo;
  /** Changes when the gallery changed: the picker re-reads the stored images. */
  version: number;
  onDone: () => void;
}

export function EditPanel({ capabilities, picked, version, onDone }: EditPanelProps) {
  const available = MODES.filter((m) => capabilities.has(`edit.${m.id}`));
  const [mode, setMode] = useState<string>(available[0]?.id ?? "inpaint");
  const [source, setSource] = useState<ImageSource | undefined>();
  const [mask, setMask] = useState<string | undefined>();
  const [prompt, setPrompt] = useState("");
  const [extend, setExtend] = useState({ left: 0, right: 0, top: 0, bottom: 0 });
  const [price, setPrice] = useState<number | undefined>();
  const enabled = available.length > 0;
  const needsMask = MODES.find((m) => m.id === mode)?.mask ?? false;
  const size = source ? sourceSize(source) : undefined;
  // The answer shows under the form; the balance is read again whether or not anything was charged.
  const edit = useSubmit(async (from: ImageSource) => {
    try {
      const body: Record<string, unknown> = { ...sourceBody(from), mode };
      if (prompt.trim()) body.prompt = prompt.trim();
      if (needsMask && mask) body.mask = mask;
      if (mode === "outpaint") body.outpaint = extend;
      const answer = await api<ImagesAnswer>("POST", "/v1/images/edits", body);
      onDone();
      return answer;
    } finally {
      void refreshBalance();
    }
  });
  const { busy, error, result: answer } = edit;

  useEffect(() => {
    if (!enabled || !size) return setPrice(undefined);
    let live = true;
    void quoteCredits({ operation: "images.edit", count: 1, width: size.width, height: size.height }).then(
      (c) => live && setPrice(c),
    );
    return () => {
      live = false;
    };
  }, [enabled, size?.width, size?.height]);

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!source) return;
        // A new run forgets the last answer: what shows is this run's.
        edit.reset();
        void edit.submit(source);
      }}
    >
      <SourcePicker
        id="edit"
        picked={picked}
        version={version}
        value={source}
        onChange={setSource}
        disabled={!enabled || busy}
      />
      <fieldset disabled={!enabled || busy}>
        <legend class="visually-hidden">Edit settings</legend>
        <div class="field">
          <label for="edit-mode">Kind of edit</label>
          <select id="edit-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
            {MODES.map((m) => (
              <option key={m.id} value={m.id} disabled={!capabilities.has(`edit.${m.id}`)}>
                {m.label}
                {capabilities.has(`edit.${m.id}`) ? "" : " — not supported by this provider"}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="edit-prompt">Prompt{mode === "remove" ? " (optional)" : ""}</label>
          <textarea
            id="edit-prompt"
            rows={2}
            maxLength={4000}
            required={mode !== "remove"}
            value={prompt}
            onInput={(e) => setPrompt(e.currentTarget.value)}
          />
        </div>
        {mode === "outpaint" ? (
          <div class="form-row">
            {(["left", "right", "top", "bottom"] as const).map((side) => (
              <div class="field" key={side}>
                <label for={`outpaint-${side}`}>Add {side} (px)</label>
                <input
                  id={`outpaint-${side}`}
                  type="number"
                  min={0}
                  max={2048}
                  value={extend[side]}
                  onInput={(e) => setExtend({ ...extend, [side]: Number(e.currentTarget.value) || 0 })}
                />
              </div>
            ))}
          </div>
        ) : null}
      </fieldset>
      {needsMask && source && size ? (
        <MaskPainter src={sourceUrl(source)} width={size.width} height={size.height} onMask={setMask} />
      ) : null}
      <div class="actions">
        <button type="submit" class="button" disabled={!enabled || busy || !source || (needsMask && !mask)}>
          {busy ? "Editing…" : "Apply edit"}
        </button>
        {price !== undefined ? <span class="muted">Costs {formatCredits(price)} credits.</span> : null}
      </div>
      {!enabled ? <p class="hint">The configured image provider cannot edit images.</p> : null}
      <Working running={busy} label="Editing" />
      <ErrorMessage error={error} />
      <Results answer={answer} title="Edited" />
    </form>
  );
}
