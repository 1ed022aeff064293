import { existsSync, writeFileSync } from "node:fs";

/**
 * Named places where crash tests make a process fail on purpose, chosen by `API_CREDITS_FAILPOINTS`
 * (`name=kill` or `name=pause:<path>`, comma-separated). `kill` ends the process with SIGKILL right there (nothing
 * after the point runs: no reply, no clean-up); `pause` writes `<path>.reached` and waits until `<path>.continue`
 * exists, so a test can stop a database at exactly that moment. Unset — always in production — a point is one Map
 * lookup.
 */
const points = parse(process.env.API_CREDITS_FAILPOINTS);

function parse(spec: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (spec ?? "").split(",")) {
    const [name, action] = part.split("=");
    if (name?.trim() && action?.trim()) out.set(name.trim(), action.trim());
  }
  return out;
}

export async function failpoint(name: string): Promise<void> {
  const action = points.get(name);
  if (!action) return;
  if (action === "kill") process.kill(process.pid, "SIGKILL");
  if (action.startsWith("pause:")) {
    const path = action.slice("pause:".length);
    writeFileSync(`${path}.reached`, String(process.pid));
    while (!existsSync(`${path}.continue`)) await new Promise((r) => setTimeout(r, 20));
  }
}
