import type { CustomerSession } from "../session";
import { SECTIONS } from "./sections";

/**
 * "Notifications & limits": what warns the owner before the balance runs dry (alerts, webhooks), what refills it
 * (auto top-up) and what caps a site or key. Each feature is one section (sections.tsx); settings are the owner's.
 */
export function GuardrailsPage({ session }: { session: CustomerSession }) {
  return (
    <section>
      <h1>Notifications &amp; limits</h1>
      {session.via !== "license_key" ? (
        <p>Only the account owner can change these settings: sign in with your licence key.</p>
      ) : null}
      {SECTIONS.map(({ id, Component }) => (
        <Component key={id} session={session} />
      ))}
    </section>
  );
}
