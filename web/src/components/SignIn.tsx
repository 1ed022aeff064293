import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { useSubmit } from "../lib/hooks";
import { ErrorMessage } from "./ui";

interface SignInProps {
  title: string;
  label: string;
  hint: ComponentChildren;
  submit: (secret: string) => Promise<void>;
  children?: ComponentChildren;
}

/** The one sign-in form: a secret pasted into a password field, sent once to open a cookie session. */
export function SignIn({ title, label, hint, submit, children }: SignInProps) {
  const [secret, setSecret] = useState("");
  const signIn = useSubmit(submit);
  return (
    <main id="main" class="signin">
      <form
        class="card signin__card"
        onSubmit={(e) => {
          e.preventDefault();
          void signIn.submit(secret.trim());
        }}
      >
        <h1>{title}</h1>
        {children}
        <div class="field">
          <label for="signin-secret">{label}</label>
          <input
            id="signin-secret"
            name="secret"
            type="password"
            autocomplete="current-password"
            spellcheck={false}
            required
            value={secret}
            onInput={(e) => setSecret(e.currentTarget.value)}
            aria-describedby="signin-hint"
          />
          <p id="signin-hint" class="hint">
            {hint}
          </p>
        </div>
        <ErrorMessage error={signIn.error} />
        <button class="button" type="submit" aria-disabled={signIn.busy ? "true" : undefined}>
          {signIn.busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
