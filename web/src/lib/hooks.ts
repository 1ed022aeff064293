import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { setCsrfToken, setUnauthorizedHandler } from "./api";

export interface Resource<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads something when `deps` change and on `reload()`; a late answer to an older load is ignored. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Resource<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const current = useRef<AbortController | undefined>(undefined);
  // `deps` are the caller's: what `load` reads.
  const reload = useCallback(async () => {
    current.current?.abort();
    const controller = new AbortController();
    current.current = controller;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await load(controller.signal);
      if (!controller.signal.aborted) setState({ data, loading: false });
    } catch (error) {
      if (!controller.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, deps);
  useEffect(() => {
    void reload();
    return () => current.current?.abort();
  }, [reload]);
  return { ...state, reload };
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface Pages<T> {
  /** The first page, loaded when `deps` change (and on `first.reload()`, which forgets the pages after it). */
  first: Resource<Page<T>>;
  /** The first page's rows, then those of every page loaded after it. */
  rows: T[];
  /** Where the next page starts; null when there is none. */
  cursor: string | null;
  /** Loads the next page ("Load more"). */
  loadMore: () => Promise<void>;
  /** Why the last `loadMore` failed; cleared when it is tried again. */
  moreError?: unknown;
}

/** A list read a page at a time: `load(undefined)` reads the first page, `load(cursor)` the one after it. */
export function usePages<T>(
  load: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>,
  deps: unknown[],
): Pages<T> {
  const [more, setMore] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  const first = useResource(async (signal) => {
    const page = await load(undefined, signal);
    setMore([]);
    setCursor(page.nextCursor);
    return page;
  }, deps);
  const rows = useMemo(() => [...(first.data?.data ?? []), ...more], [first.data, more]);
  const loadMore = async () => {
    if (!cursor) return;
    setMoreError(undefined);
    try {
      const page = await load(cursor);
      setMore((m) => [...m, ...page.data]);
      setCursor(page.nextCursor);
    } catch (error) {
      setMoreError(error);
    }
  };
  return { first, rows, cursor, loadMore, moreError };
}

/** Seconds since `running` became true (for "Generating… 12 s"). */
export function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    setSeconds(0);
    const started = Date.now();
    const t = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => clearInterval(t);
  }, [running]);
  return seconds;
}

export interface Submission<A extends unknown[], T> {
  /** Runs the action unless one is already running; resolves to its answer, or undefined when it failed. */
  submit: (...args: A) => Promise<T | undefined>;
  busy: boolean;
  /** What the last run threw; cleared when the next one starts. */
  error?: unknown;
  /** The last successful run's answer; kept while the next one runs and when it fails. */
  result?: T;
  /** Forgets the result and the error. */
  reset: () => void;
}

/**
 * The state of a form's submit (or a button's action): busy while it runs (one run at a time), the error it threw
 * (shown next to the form) cleared when it is tried again, and the answer of the last success.
 */
export function useSubmit<A extends unknown[], T>(action: (...args: A) => Promise<T>): Submission<A, T> {
  const [state, setState] = useState<{ busy: boolean; error?: unknown; result?: T }>({ busy: false });
  const running = useRef(false);
  const latest = useRef(action);
  latest.current = action;
  const submit = useCallback(async (...args: A) => {
    if (running.current) return undefined;
    running.current = true;
    setState((s) => ({ busy: true, result: s.result }));
    try {
      const result = await latest.current(...args);
      setState({ busy: false, result });
      return result;
    } catch (error) {
      setState((s) => ({ busy: false, error, result: s.result }));
      return undefined;
    } finally {
      running.current = false;
    }
  }, []);
  const reset = useCallback(() => setState((s) => ({ busy: s.busy })), []);
  return { ...state, submit, reset };
}

export interface Actions<K> {
  /** Runs `work` as the action at `at` (a row's id, a form's name); resolves to whether it succeeded. */
  run: (at: K, work: () => Promise<unknown>) => Promise<boolean>;
  /** Where an action is running. */
  busy?: K;
  /** The last failure, wherever it happened; cleared when any action starts. */
  error?: unknown;
  /** The last failure if it happened at `at`: an error shows where it happened. */
  errorAt: (at: K) => unknown;
  /** Forgets the last failure (another form on the page started, and the error shown is now its). */
  reset: () => void;
}

/** `useSubmit` for a page with several actions (one per row, or several forms) that share one error. */
export function useActions<K>(): Actions<K> {
  const [busy, setBusy] = useState<K | undefined>();
  const [failure, setFailure] = useState<{ at: K; error: unknown } | undefined>();
  const run = async (at: K, work: () => Promise<unknown>) => {
    setBusy(at);
    setFailure(undefined);
    try {
      await work();
      return true;
    } catch (error) {
      setFailure({ at, error });
      return false;
    } finally {
      setBusy(undefined);
    }
  };
  const errorAt = (at: K) => (failure?.at === at ? failure.error : undefined);
  const reset = useCallback(() => setFailure(undefined), []);
  return { run, busy, error: failure?.error, errorAt, reset };
}

export interface Session<S> {
  /** undefined while the probe runs; null when signed out. */
  session: S | null | undefined;
  /** The session ended on its own (a request answered 401): the sign-in form says so. */
  ended: boolean;
  /** A sign-in succeeded: its CSRF token goes on every request that changes something. */
  signedIn: (session: S) => void;
  /** Signed out (or the key signed in with was replaced): forget the session and its token. */
  signedOut: () => void;
}

/**
 * The page's cookie session: asks `probe` once who is signed in (null: nobody), and ends the session when any request
 * answers 401. `forget` drops what the session cached (it runs whenever the session ends).
 */
export function useSession<S extends { csrfToken: string }>(
  probe: () => Promise<S | null>,
  forget?: () => void,
): Session<S> {
  const [session, setSession] = useState<S | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken(undefined);
      forget?.();
      setEnded(true);
      setSession(null);
    });
    probe()
      .then((s) => {
        if (!s) return setSession(null);
        setCsrfToken(s.csrfToken);
        setSession(s);
      })
      .catch(() => setSession(null));
  }, []);
  const signedIn = useCallback((s: S) => {
    setCsrfToken(s.csrfToken);
    setEnded(false);
    setSession(s);
  }, []);
  const signedOut = useCallback(() => {
    setCsrfToken(undefined);
    forget?.();
    setEnded(false);
    setSession(null);
  }, []);
  return { session, ended, signedIn, signedOut };
}
