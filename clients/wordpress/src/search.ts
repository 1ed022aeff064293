/**
 * "Search this site" without a page reload: the block's form is server-rendered and works alone (a GET with
 * `acs_q`); this script, when it runs, asks the plugin's public search route instead and writes the answers into the
 * same list the server renders. Everything is written with textContent: no answer is ever parsed as HTML.
 */
interface Hit {
  title: string;
  url: string;
  text: string;
}

function show(output: HTMLElement, kind: "results" | "empty" | "error", text = "", hits: Hit[] = []): void {
  output.replaceChildren();
  if (kind !== "results") {
    const p = document.createElement("p");
    p.className = kind === "empty" ? "api-credits-search-empty" : "api-credits-search-error";
    p.textContent = text;
    output.append(p);
    return;
  }
  const list = document.createElement("ol");
  list.className = "api-credits-search-results";
  for (const hit of hits) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    // Only http(s) links: a result's URL is a permalink, never a script.
    link.href = /^https?:\/\//i.test(hit.url) ? hit.url : "#";
    link.textContent = hit.title;
    const passage = document.createElement("p");
    passage.textContent = hit.text;
    item.append(link, passage);
    list.append(item);
  }
  output.append(list);
}

function enhance(root: HTMLElement): void {
  const form = root.querySelector("form");
  const input = root.querySelector<HTMLInputElement>('input[name="acs_q"]');
  const output = root.querySelector<HTMLElement>(".api-credits-search-output");
  const endpoint = root.dataset.rest;
  if (!form || !input || !output || !endpoint) return;
  form.addEventListener("submit", async (event) => {
    const q = input.value.trim();
    if (!q) return;
    event.preventDefault();
    root.setAttribute("aria-busy", "true");
    try {
      const url = new URL(endpoint, location.href);
      url.searchParams.set("q", q);
      const res = await fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) show(output, "error", body.message ?? root.dataset.failed ?? "");
      else if (!body.results?.length) show(output, "empty", root.dataset.empty ?? "");
      else show(output, "results", "", body.results);
      const page = new URL(location.href);
      page.searchParams.set("acs_q", q);
      history.replaceState(null, "", page);
    } catch {
      // The network failed: let the form do its plain GET instead.
      form.submit();
    } finally {
      root.removeAttribute("aria-busy");
    }
  });
}

for (const root of Array.from(document.querySelectorAll<HTMLElement>(".api-credits-search[data-rest]"))) enhance(root);
