import { useEffect, useRef, useState } from "preact/hooks";

interface MaskPainterProps {
  src: string;
  width: number;
  height: number;
  /** A PNG data URL of the image's size, white where painted and black elsewhere; undefined when nothing is. */
  onMask: (mask: string | undefined) => void;
}

const PAINT = "#db2777";

/**
 * Paint over the image what should change. The canvas has the image's own pixel size (scaled by CSS), so the mask
 * lines up with the image whatever the screen; the brush keeps its on-screen size.
 */
export function MaskPainter({ src, width, height, onMask }: MaskPainterProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | undefined>(undefined);
  const [brush, setBrush] = useState(32);
  const [painted, setPainted] = useState(false);

  const context = () => canvas.current?.getContext("2d", { willReadFrequently: true }) ?? undefined;

  const clear = () => {
    const ctx = context();
    ctx?.clearRect(0, 0, width, height);
    setPainted(false);
    onMask(undefined);
  };
  useEffect(clear, [src, width, height]);

  const exportMask = () => {
    const ctx = context();
    if (!ctx) return;
    const painting = ctx.getImageData(0, 0, width, height).data;
    const out = document.createElement("canvas");
    out.width = width;
    out.height = height;
    const octx = out.getContext("2d")!;
    const mask = octx.createImageData(width, height);
    let any = false;
    for (let i = 0; i < painting.length; i += 4) {
      const on = painting[i + 3]! > 0 ? 255 : 0;
      if (on) any = true;
      mask.data[i] = on;
      mask.data[i + 1] = on;
      mask.data[i + 2] = on;
      mask.data[i + 3] = 255;
    }
    octx.putImageData(mask, 0, 0);
    setPainted(any);
    onMask(any ? out.toDataURL("image/png") : undefined);
  };

  const point = (e: PointerEvent) => {
    const rect = canvas.current!.getBoundingClientRect();
    const scale = width / rect.width;
    return { x: (e.clientX - rect.left) * scale, y: (e.clientY - rect.top) * scale, scale };
  };

  const paintTo = (e: PointerEvent) => {
    const ctx = context();
    if (!ctx) return;
    const p = point(e);
    const from = last.current ?? p;
    ctx.strokeStyle = PAINT;
    ctx.lineWidth = brush * p.scale;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(p.x + 0.01, p.y);
    ctx.stroke();
    last.current = p;
  };

  return (
    <div class="mask">
      <div class="mask__stage">
        <img src={src} alt="What is being edited" draggable={false} />
        <canvas
          ref={canvas}
          width={width}
          height={height}
          class="mask__canvas"
          aria-label="Mask: paint over what should change"
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            last.current = undefined;
            paintTo(e);
          }}
          onPointerMove={(e) => {
            if (e.currentTarget.hasPointerCapture(e.pointerId)) paintTo(e);
          }}
          onPointerUp={(e) => {
            e.currentTarget.releasePointerCapture(e.pointerId);
            last.current = undefined;
            exportMask();
          }}
        />
      </div>
      <div class="mask__tools form-row">
        <div class="field">
          <label for="mask-brush">Brush size</label>
          <input
            id="mask-brush"
            type="range"
            min={4}
            max={120}
            value={brush}
            onInput={(e) => setBrush(Number(e.currentTarget.value))}
          />
        </div>
        <button
          type="button"
          class="button button--ghost button--small"
          onClick={() => {
            const ctx = context();
            if (!ctx) return;
            ctx.fillStyle = PAINT;
            ctx.fillRect(0, 0, width, height);
            exportMask();
          }}
        >
          Select whole image
        </button>
        <button type="button" class="button button--ghost button--small" onClick={clear}>
          Clear mask
        </button>
      </div>
      <p class="hint" aria-live="polite">
        {painted
          ? "Painted areas will be edited."
          : "Paint over the part to change (white in the mask), or select the whole image."}
      </p>
    </div>
  );
}
