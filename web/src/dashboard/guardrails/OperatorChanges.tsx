import type { ResponseOf } from "../../../../packages/client/src/index";
import { OperatorChangeList } from "../../components/OperatorChangeList";
import { ErrorMessage } from "../../components/ui";
import { api } from "../../lib/api";
import { useResource } from "../../lib/hooks";
import type { CustomerSession } from "../session";

/** GET /v1/operator-changes */
type Changes = ResponseOf<"/v1/operator-changes", "get">;

/**
 * "Changes made by the service": what the service's operator changed in the owner's own settings (a spend limit,
 * auto top-up), and why — nothing is changed behind the owner's back. Shown only once there is one.
 */
export function OperatorChanges({ session }: { session: CustomerSession }) {
  const owner = session.via === "license_key";
  const changes = useResource(
    (signal) =>
      owner ? api<Changes>("GET", "/v1/operator-changes", undefined, { signal }) : Promise.resolve(undefined),
    [owner],
  );
  if (!owner || (!changes.error && !changes.data?.data.length)) return null;
  return (
    <section class="card" aria-labelledby="operator-changes-title">
      <h2 id="operator-changes-title">Changes made by the service</h2>
      <ErrorMessage error={changes.error} />
      {changes.data ? (
        <>
          <p>The service's operator changed these settings for you, most recent first.</p>
          <OperatorChangeList changes={changes.data.data} />
        </>
      ) : null}
    </section>
  );
}
