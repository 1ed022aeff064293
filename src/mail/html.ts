const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe to place in HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * An HTML email from paragraphs of plain text and an optional button: every piece is escaped here, so a template
 * never writes markup around values it did not make.
 */
export function htmlEmail(input: {
  title: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string;
}): string {
  const p = (text: string) => `<p style="margin:0 0 16px">${escapeHtml(text)}</p>`;
  const action = input.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(input.action.url)}" style="background:#1f4fd1;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(input.action.label)}</a></p>`
    : "";
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title></head>
<body style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:560px;margin:0 auto;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(input.title)}</h1>
${input.paragraphs.map(p).join("\n")}
${action}
<p style="margin:32px 0 0;font-size:13px;color:#555">${escapeHtml(input.footer)}</p>
</body></html>`;
}
