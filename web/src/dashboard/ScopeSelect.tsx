import { type SiteInfo, scopeLabel } from "./knowledge-types";

/** The owner's choice of who may use a resource (a knowledge base, an image): every site of the account, or one. */
export function ScopeSelect(props: {
  id: string;
  label: string;
  sites: SiteInfo[];
  value: string | null;
  disabled?: boolean;
  onChange: (siteId: string | null) => void;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value ?? ""}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.currentTarget.value || null)}
      >
        <option value="">All sites</option>
        {props.value !== null && !props.sites.some((s) => s.id === props.value) ? (
          // Restricted to a site since deactivated: shown as it is, and the owner can share it or move it.
          <option value={props.value} disabled>
            A deactivated site
          </option>
        ) : null}
        {props.sites.map((s) => (
          <option key={s.id} value={s.id}>
            {scopeLabel(s.id, props.sites)}
          </option>
        ))}
      </select>
    </div>
  );
}
