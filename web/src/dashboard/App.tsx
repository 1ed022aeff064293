import { useEffect, useRef, useState } from "preact/hooks";
import { SignIn } from "../components/SignIn";
import { Link, Loading, Notice, SecretOnce } from "../components/ui";
import { api } from "../lib/api";
import { formatBalance, formatCredits } from "../lib/format";
import { useSession } from "../lib/hooks";
import { navigate, useLocation } from "../lib/router";
import { ActivationCodes } from "./ActivationCodes";
import { ApiKeys } from "./ApiKeys";
import { Buy } from "./Buy";
import { DeleteData } from "./DeleteData";
import { GuardrailsPage } from "./guardrails/Page";
import { ImageStudio } from "./images/ImageStudio";
import { KnowledgeBase } from "./KnowledgeBase";
import { KnowledgeBases } from "./KnowledgeBases";
import { Ledger } from "./Ledger";
import { Overview } from "./Overview";
import { type CustomerSession, forgetBalance, useBalance } from "./session";

const NAV = [
  { href: "/dashboard", label: "Overview" },
  { href: "/dashboard/buy", label: "Buy credits" },
  { href: "/dashboard/ledger", label: "Ledger" },
  { href: "/dashboard/knowledge", label: "Knowledge bases" },
  { href: "/dashboard/images", label: "Image studio" },
  { href: "/dashboard/keys", label: "API keys" },
  { href: "/dashboard/limits", label: "Notifications & limits" },
  { href: "/dashboard/data", label: "Delete data" },
];

export function App() {
  const { session, ended, signedIn, signedOut } = useSession(async () => {
    const s = await api<CustomerSession | { signedIn: false }>("GET", "/v1/session");
    return s.signedIn ? s : null;
  }, forgetBalance);
  const [justSignedIn, setJustSignedIn] = useState(false);
  const [newLicenseKey, setNewLicenseKey] = useState<string | undefined>();

  if (session === undefined) return <Loading />;
  if (session === null)
    return (
      <SignIn
        title="Sign in to your dashboard"
        label="Licence key or API key"
        hint="Your licence key starts with lk_; a site's API key starts with ak_. The key stays in this browser's session only."
        submit={async (key) => {
          const s = await api<CustomerSession>("POST", "/v1/sessions", { key }, { quiet401: true });
          setJustSignedIn(true);
          setNewLicenseKey(undefined);
          signedIn(s);
        }}
      >
        {newLicenseKey ? (
          <>
            <SecretOnce label="Your new licence key" value={newLicenseKey} />
            <Notice tone="warning">
              Your old licence key no longer works, and the sessions signed in with it have ended. Sign in with the new
              key.
            </Notice>
          </>
        ) : ended ? (
          <Notice tone="warning">Your session ended. Sign in again to continue.</Notice>
        ) : null}
        <BuyIntent />
      </SignIn>
    );
  return (
    <Shell
      session={session}
      justSignedIn={justSignedIn}
      onLicenseKeyReplaced={(key) => {
        setNewLicenseKey(key);
        signedOut();
      }}
      onSignOut={async () => {
        try {
          await api("DELETE", "/v1/session");
        } finally {
          signedOut();
          navigate("/dashboard", { replace: true });
        }
      }}
    />
  );
}

/** Arriving from a pricing page's buy button: say what happens after signing in. */
function BuyIntent() {
  const { path, query } = useLocation();
  if (path !== "/dashboard/buy" || (!query.get("pack") && !query.get("amount"))) return null;
  return <p>Sign in to continue to the secure Stripe checkout.</p>;
}

/**
 * Moves focus to the main heading of the view (once it has rendered: some views load first), so a screen reader and
 * the keyboard continue from the new view's top instead of the page body.
 */
function focusHeading(fallback: HTMLElement | null): () => void {
  let stopped = false;
  const started = Date.now();
  const attempt = () => {
    if (stopped) return;
    const heading = document.querySelector<HTMLElement>("#main h1");
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    } else if (Date.now() - started < 3000) setTimeout(attempt, 50);
    else fallback?.focus();
  };
  attempt();
  return () => {
    stopped = true;
  };
}

function Shell({
  session,
  justSignedIn,
  onSignOut,
  onLicenseKeyReplaced,
}: {
  session: CustomerSession;
  justSignedIn: boolean;
  onSignOut: () => Promise<void>;
  onLicenseKeyReplaced: (key: string) => void;
}) {
  const { path } = useLocation();
  const { balance } = useBalance();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // After signing in and after an in-app navigation, focus moves to the new view's heading; a full page load
    // leaves it at the top of the page, where the skip link is.
    let stop: (() => void) | undefined;
    if (!first.current || justSignedIn) stop = focusHeading(main.current);
    first.current = false;
    // On a phone the navigation is a scrolling strip: keep the current page's link in view.
    document.querySelector(".app-nav [aria-current='page']")?.scrollIntoView({ block: "nearest", inline: "nearest" });
    const current = [...NAV].reverse().find((item) => path === item.href || path.startsWith(`${item.href}/`));
    document.title = `${current?.label ?? "Dashboard"} — AI Credits`;
    return stop;
  }, [path]);

  return (
    <div class="app">
      <header class="app-header">
        <Link href="/dashboard" class="brand">
          <span class="brand__mark" aria-hidden="true" />
          AI Credits
        </Link>
        <p class="app-header__balance" aria-live="polite">
          <span class="visually-hidden">Balance: </span>
          <strong
            data-testid="header-balance"
            title={balance ? `${formatCredits(balance.credits)} credits` : undefined}
          >
            {balance ? formatBalance(balance.credits) : "…"}
          </strong>{" "}
          credits
        </p>
        <div class="app-header__account">
          <span class="app-header__email" title={session.email}>
            {session.email}
          </span>
          <button type="button" class="button button--ghost button--small" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <div class="app-layout">
        <nav class="app-nav" aria-label="Dashboard">
          <ul>
            {NAV.map((item) => {
              const active = item.href === "/dashboard" ? path === item.href : path.startsWith(item.href);
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
          {session.licenseStatus !== "active" ? (
            <Notice tone="warning">
              Your licence is {session.licenseStatus}: you can see your balance and history and delete your data, but
              spending credits needs an active licence.
            </Notice>
          ) : null}
          <Page path={path} session={session} onLicenseKeyReplaced={onLicenseKeyReplaced} />
        </main>
      </div>
    </div>
  );
}

function Page({
  path,
  session,
  onLicenseKeyReplaced,
}: {
  path: string;
  session: CustomerSession;
  onLicenseKeyReplaced: (key: string) => void;
}) {
  const kb = /^\/dashboard\/knowledge\/([^/]+)$/.exec(path);
  if (kb) return <KnowledgeBase id={decodeURIComponent(kb[1]!)} />;
  switch (path) {
    case "/dashboard":
      return <Overview />;
    case "/dashboard/buy":
      return <Buy />;
    case "/dashboard/ledger":
      return <Ledger />;
    case "/dashboard/knowledge":
      return <KnowledgeBases session={session} />;
    case "/dashboard/images":
      return <ImageStudio session={session} />;
    case "/dashboard/keys":
      return (
        <>
          <ApiKeys session={session} onLicenseKeyReplaced={onLicenseKeyReplaced} />
          {session.siteId ? null : <ActivationCodes />}
        </>
      );
    case "/dashboard/limits":
      return <GuardrailsPage session={session} />;
    case "/dashboard/data":
      return <DeleteData />;
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            <Link href="/dashboard">Back to the overview</Link>
          </p>
        </section>
      );
  }
}
