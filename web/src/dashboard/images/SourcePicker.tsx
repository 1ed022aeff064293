import { useEffect, useState } from "preact/hooks";
import { ErrorMessage } from "../../components/ui";
import { api } from "../../lib/api";
import { useResource } from "../../lib/hooks";
import { type ImageInfo, type ImageSource, imageName, readImageFile, sourceSize, sourceUrl } from "./types";

interface SourcePickerProps {
  id: string;
  picked?: ImageInfo;
  /** Changes when the gallery changed (a new or edited image): the list is read again. */
  version: number;
  value?: ImageSource;
  onChange: (source: ImageSource | undefined) => void;
  disabled?: boolean;
}

/** Picks the input image of an edit or an upscale: one from the gallery, or a file from this device. */
export function SourcePicker({ id, picked, version, value, onChange, disabled }: SourcePickerProps) {
  const stored = useResource(
    (signal) => api<{ data: ImageInfo[] }>("GET", "/v1/images?limit=50", undefined, { signal }),
    [picked?.id, version],
  );
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (picked) onChange({ kind: "stored", image: picked });
  }, [picked?.id]);

  const options = stored.data?.data ?? [];
  const selectedId = value?.kind === "stored" ? value.image.id : "";
  return (
    <fieldset class="source" disabled={disabled}>
      <legend>Image</legend>
      <div class="form-row">
        <div class="field">
          <label for={`${id}-stored`}>From the gallery</label>
          <select
            id={`${id}-stored`}
            value={selectedId}
            onChange={(e) => {
              const image =
                options.find((o) => o.id === e.currentTarget.value) ??
                (picked?.id === e.currentTarget.value ? picked : undefined);
              onChange(image ? { kind: "stored", image } : undefined);
            }}
          >
            <option value="">Choose an image…</option>
            {picked && !options.some((o) => o.id === picked.id) ? (
              <option value={picked.id}>{imageName(picked)}</option>
            ) : null}
            {options.map((o) => (
              <option key={o.id} value={o.id}>
                {imageName(o)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for={`${id}-file`}>Or a file from this device</label>
          <input
            id={`${id}-file`}
            type="file"
            accept="image/png,image/jpeg,image/webp"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              setError(undefined);
              if (!file) return onChange(undefined);
              try {
                onChange(await readImageFile(file));
              } catch (err) {
                setError(err);
                onChange(undefined);
              }
            }}
          />
        </div>
      </div>
      <ErrorMessage error={error ?? stored.error} />
      {value ? (
        <p class="source__preview">
          <img src={sourceUrl(value)} alt="Chosen source" />
          <span class="muted">
            {value.kind === "file" ? `${value.name}, ` : ""}
            {sourceSize(value).width}×{sourceSize(value).height}
          </span>
        </p>
      ) : null}
    </fieldset>
  );
}
