import { useEffect, useRef } from "preact/hooks";
import type { ResponseOf } from "../../../packages/client/src/index";
import { SignIn } from "../components/SignIn";
import { Link, Loading, Notice } from "../components/ui";
import { api } from "../lib/api";
import { useResource, useSession } from "../lib/hooks";
import { navigate, useLocation } from "../lib/router";
import { Account } from "./Account";
import { Accounts } from "./Accounts";
import { Licenses } from "./Licenses";
import { Stats } from "./Stats";

/** POST /v1/admin/sessions (and GET /v1/admin/session, signed in) */
type OperatorSession = ResponseOf<"/v1/admin/sessions", "post", 201>;

const NAV = [
  { href: "/admin", label: "Revenue & usage" },
  { href: "/admin/licenses", label: "Licences" },
  { href: "/admin/accounts", label: "Accounts" },
];

export function AdminApp() {
  const { session, ended, signedIn, signedOut } = useSession<OperatorSession>(async () => {
    const s = await api<ResponseOf<"/v1/admin/session", "get">>("GET", "/v1/admin/session");
    return "csrfToken" in s ? s : null;
  });

  if (session === undefined) return <Loading />;
  if (session === null)
    return (
      <SignIn
        title="Operator sign-in"
        label="Admin token"
        hint="The service's ADMIN_TOKEN (without one set, a local install writes it to DATA_DIR/admin-token)."
        submit={async (token) => {
          signedIn(await api<OperatorSession>("POST", "/v1/admin/sessions", { token }, { quiet401: true }));
        }}
      >
        {ended ? <Notice tone="warning">Your operator session ended. Sign in again.</Notice> : null}
      </SignIn>
    );
  return (
    <Shell
      onSignOut={async () => {
        try {
          await api("DELETE", "/v1/admin/session");
        } finally {
          signedOut();
          navigate("/admin", { replace: true });
        }
      }}
    />
  );
}

function Shell({ onSignOut }: { onSignOut: () => Promise<void> }) {
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) first.current = false;
    else main.current?.focus();
    // On a phone the navigation is a scrolling strip: keep the current page's link in view.
    document.querySelector(".app-nav [aria-current='page']")?.scrollIntoView({ block: "nearest", inline: "nearest" });
    const current = [...NAV].reverse().find((item) => path === item.href || path.startsWith(`${item.href}/`));
    document.title = `${current?.label ?? "Operator"} — AI Credits operator`;
  }, [path]);
  const account = /^\/admin\/accounts\/([^/]+)$/.exec(path);

  return (
    <div class="app">
      <header class="app-header">
        <Link href="/admin" class="brand">
          <span class="brand__mark" aria-hidden="true" />
          AI Credits <span class="brand__tag">operator</span>
        </Link>
        <div class="app-header__account">
          <button type="button" class="button button--ghost button--small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <div class="app-layout">
        <nav class="app-nav" aria-label="Operator">
          <ul>
            {NAV.map((item) => {
              const active = item.href === "/admin" ? path === item.href : path.startsWith(item.href);
              return (
                <li key={item.href}>
                  <Link href={item.href} aria-current={active ? "page" : undefined}>
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" ref={main} tabIndex={-1} class="app-main">
          <PaymentsStatus />
          {account ? (
            <Account id={decodeURIComponent(account[1]!)} />
          ) : path === "/admin/licenses" ? (
            <Licenses />
          ) : path === "/admin/accounts" ? (
            <Accounts />
          ) : path === "/admin" ? (
            <Stats />
          ) : (
            <h1>Page not found</h1>
          )}
        </main>
      </div>
    </div>
  );
}

/** Tells the operator, on every page, when customers cannot buy — and what to set. */
function PaymentsStatus() {
  const health = useResource(
    (signal) => api<{ payments?: "configured" | "not_configured" }>("GET", "/healthz", undefined, { signal }),
    [],
  );
  if (health.data?.payments !== "not_configured") return null;
  return (
    <Notice tone="warning">
      Payments are off: customers cannot buy credits. Set <code>STRIPE_SECRET_KEY</code> and{" "}
      <code>STRIPE_WEBHOOK_SECRET</code> and restart the service (docs/operations.md, “Stripe”). Grants work meanwhile.
    </Notice>
  );
}
