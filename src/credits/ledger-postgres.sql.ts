/**
 * Applies a batch of ledger operations in one round trip and one commit. Every operation first locks its account's
 * balance row, so operations on one account are serialised across processes, and the idempotency checks that
 * follow cannot race. The caller sorts a batch by account so that two processes always lock accounts in the same
 * order (no deadlocks). Semantics match the SQLite adapter; the shared contract suite proves it. Entry ids come
 * with each operation (`entryIds`: the entry's, then a bonus entry's), made by newId like every other id.
 *
 * Spend limits are checked and counted under the same account lock (see schema.ts): `periods` holds the start of
 * the current day, week and month (spend-periods.ts), so both engines roll periods by the same rule.
 */
// Limits as the batch sees them, in parallel arrays (l_ids, l_held, l_spent, l_ps: what each holds and has spent
// since its period began at l_ps; l_cur: where its current period begins), written back once per batch (l_dirty):
// updating one row per operation would leave a chain of versions in the transaction that every later update of the
// batch walks through. `pend` lists (by index) the limits an operation counts against.
const LOAD_LIMIT = `
            l_ids := l_ids || lim.id;
            l_held := l_held || lim.held_mc::bigint;
            l_spent := l_spent || lim.spent_mc::bigint;
            l_ps := l_ps || lim.period_start::bigint;
            l_cur := l_cur || CASE WHEN lim.period = 'total' THEN lim.created_at ELSE (periods->>lim.period)::bigint END;
            l_dirty := l_dirty || false;
            i := array_length(l_ids, 1);`;

// Looks for a limit binding the spender (sp_site, sp_key) that `amt` more would exceed; the others go to `pend`.
const CHECK_LIMITS = `
        FOR lim IN SELECT * FROM spend_limits WHERE account_id = acct
            AND ((site_id IS NULL AND key_id IS NULL) OR site_id = sp_site OR key_id = sp_key) ORDER BY id COLLATE "C" LOOP
          i := array_position(l_ids, lim.id);
          IF i IS NULL THEN${LOAD_LIMIT}
          END IF;
          used := l_held[i] + CASE WHEN l_ps[i] < l_cur[i] THEN 0 ELSE l_spent[i] END;
          IF used + amt > lim.limit_mc THEN
            res := jsonb_build_object('status', 'limit_reached', 'availableMc', bal.available_mc, 'limit', to_jsonb(lim)
              || jsonb_build_object('held_mc', l_held[i], 'spent_mc', l_spent[i], 'period_start', l_ps[i]));
            EXIT;
          END IF;
          pend := pend || i;
        END LOOP;`;

// Counts a movement against the limits in `pend` (rolling an ended period first).
const COUNT_PENDING = (held: string, spent: string) => `
        FOREACH i IN ARRAY pend LOOP
          IF l_ps[i] < l_cur[i] THEN
            l_spent[i] := 0;
            l_ps[i] := l_cur[i];
          END IF;
          l_spent[i] := l_spent[i] + ${spent};
          l_held[i] := l_held[i] + ${held};
          l_dirty[i] := true;
        END LOOP;`;

export const CREDITS_APPLY_FUNCTION = `
CREATE OR REPLACE FUNCTION credits_apply(ops jsonb, now_ms bigint, periods jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  op jsonb;
  results jsonb := '[]'::jsonb;
  res jsonb;
  kind text;
  acct text;
  amt bigint;
  ikey text;
  cause jsonb;
  take bigint;
  bal balances%ROWTYPE;
  ent ledger_entries%ROWTYPE;
  hld holds%ROWTYPE;
  lim record;
  used bigint;
  lid text;
  i int;
  pend int[];
  l_ids text[] := '{}';
  l_held bigint[] := '{}';
  l_spent bigint[] := '{}';
  l_ps bigint[] := '{}';
  l_cur bigint[] := '{}';
  l_dirty boolean[] := '{}';
  sp_site text;
  sp_key text;
BEGIN
  FOR op IN SELECT value FROM jsonb_array_elements(ops) LOOP
    kind := op->>'kind';
    acct := op->>'accountId';
    amt := COALESCE((op->>'amountMc')::bigint, 0);
    ikey := op->>'idemKey';
    cause := COALESCE(op->'cause', '{}'::jsonb);
    res := NULL;
    sp_site := op->'spender'->>'siteId';
    sp_key := op->'spender'->>'keyId';
    pend := '{}';

    SELECT * INTO bal FROM balances WHERE account_id = acct FOR UPDATE;
    IF NOT FOUND THEN
      INSERT INTO balances (account_id, updated_at) VALUES (acct, now_ms) ON CONFLICT (account_id) DO NOTHING;
      SELECT * INTO bal FROM balances WHERE account_id = acct FOR UPDATE;
    END IF;

    IF kind = 'credit' OR kind = 'debit' THEN
      IF ikey IS NOT NULL THEN
        SELECT * INTO ent FROM ledger_entries WHERE account_id = acct AND idem_key = ikey;
        IF FOUND THEN
          IF ent.type = op->>'type' AND (ent.amount_mc = CASE WHEN kind = 'credit' THEN amt ELSE -amt END
                                         OR COALESCE((op->>'upTo')::boolean, false)) THEN
            res := jsonb_build_object('status', 'replayed', 'entry', to_jsonb(ent));
          ELSE
            res := jsonb_build_object('status', 'conflict', 'message', 'the idempotency key was used for a different movement');
          END IF;
        END IF;
      END IF;
      -- Only spending counts against limits: never an adjustment or a refund's claw-back.
      IF res IS NULL AND kind = 'debit' AND op->>'type' = 'usage' THEN${CHECK_LIMITS}
      END IF;
      IF res IS NULL THEN
        take := amt;
        IF kind = 'debit' AND bal.available_mc < amt THEN
          IF COALESCE((op->>'upTo')::boolean, false) THEN
            take := bal.available_mc;
          ELSE
            res := jsonb_build_object('status', 'insufficient', 'availableMc', bal.available_mc);
          END IF;
        END IF;
      END IF;
      IF res IS NULL THEN
        IF kind = 'debit' THEN take := -take; END IF;
        UPDATE balances SET available_mc = available_mc + take, updated_at = now_ms
          WHERE account_id = acct RETURNING * INTO bal;
        INSERT INTO ledger_entries (id, account_id, type, amount_mc, reserved_delta_mc, balance_after_mc, reserved_after_mc,
            hold_id, idem_key, operation, quantity, reference, request_id, reason, site_id, key_id, created_at)
          VALUES (op->'entryIds'->>0, acct, op->>'type', take, 0, bal.available_mc + bal.reserved_mc, bal.reserved_mc,
            NULL, ikey, cause->>'operation', (cause->'quantity')::text, cause->>'reference', cause->>'requestId',
            cause->>'reason', CASE WHEN kind = 'debit' THEN sp_site END, CASE WHEN kind = 'debit' THEN sp_key END, now_ms)
          RETURNING * INTO ent;
${COUNT_PENDING("0", "-take")}
        res := jsonb_build_object('status', 'ok', 'entry', to_jsonb(ent));
        IF kind = 'credit' AND COALESCE((op->>'bonusMc')::bigint, 0) > 0 THEN
          UPDATE balances SET available_mc = available_mc + (op->>'bonusMc')::bigint, updated_at = now_ms
            WHERE account_id = acct RETURNING * INTO bal;
          INSERT INTO ledger_entries (id, account_id, type, amount_mc, reserved_delta_mc, balance_after_mc, reserved_after_mc,
              idem_key, operation, quantity, reference, request_id, reason, created_at)
            VALUES (op->'entryIds'->>1, acct, 'bonus', (op->>'bonusMc')::bigint, 0, bal.available_mc + bal.reserved_mc, bal.reserved_mc,
              ikey || ':bonus', cause->>'operation', (cause->'quantity')::text, cause->>'reference',
              cause->>'requestId', cause->>'reason', now_ms);
        END IF;
      END IF;

    ELSIF kind = 'reserve' THEN
      IF ikey IS NOT NULL THEN
        SELECT * INTO hld FROM holds WHERE account_id = acct AND idem_key = ikey;
        IF FOUND THEN
          IF hld.amount_mc = amt THEN
            SELECT * INTO ent FROM ledger_entries WHERE hold_id = hld.id AND type = 'hold';
            res := jsonb_build_object('status', 'replayed', 'entry', to_jsonb(ent), 'hold', to_jsonb(hld));
          ELSE
            res := jsonb_build_object('status', 'conflict', 'message', 'the idempotency key was used for a different amount');
          END IF;
        END IF;
      END IF;
      -- A limit refuses before the balance does: buying credits would not help.
      IF res IS NULL THEN${CHECK_LIMITS}
      END IF;
      IF res IS NULL AND bal.available_mc < amt THEN
        res := jsonb_build_object('status', 'insufficient', 'availableMc', bal.available_mc);
      END IF;
      IF res IS NULL THEN
        UPDATE balances SET available_mc = available_mc - amt, reserved_mc = reserved_mc + amt, updated_at = now_ms
          WHERE account_id = acct RETURNING * INTO bal;
        INSERT INTO holds (id, account_id, idem_key, amount_mc, status, operation, owner, site_id, key_id, limit_ids,
            expires_at, created_at)
          VALUES (op->>'holdId', acct, ikey, amt, 'open', cause->>'operation', op->>'owner', sp_site, sp_key,
            CASE WHEN cardinality(pend) > 0 THEN to_jsonb(ARRAY(
              SELECT l_ids[u.k] FROM unnest(pend) WITH ORDINALITY AS u(k, n) ORDER BY u.n))::text END,
            (op->>'expiresAt')::bigint, now_ms)
          RETURNING * INTO hld;
${COUNT_PENDING("amt", "0")}
        INSERT INTO ledger_entries (id, account_id, type, amount_mc, reserved_delta_mc, balance_after_mc, reserved_after_mc,
            hold_id, operation, quantity, reference, request_id, reason, site_id, key_id, created_at)
          VALUES (op->'entryIds'->>0, acct, 'hold', 0, amt, bal.available_mc + bal.reserved_mc, bal.reserved_mc,
            hld.id, cause->>'operation', (cause->'quantity')::text, cause->>'reference', cause->>'requestId',
            cause->>'reason', sp_site, sp_key, now_ms)
          RETURNING * INTO ent;
        res := jsonb_build_object('status', 'ok', 'entry', to_jsonb(ent), 'hold', to_jsonb(hld));
      END IF;

    ELSIF kind = 'capture' OR kind = 'release' THEN
      SELECT * INTO hld FROM holds WHERE id = op->>'holdId' AND account_id = acct FOR UPDATE;
      IF NOT FOUND THEN
        res := jsonb_build_object('status', 'not_found');
      ELSIF kind = 'capture' AND amt > hld.amount_mc THEN
        res := jsonb_build_object('status', 'conflict', 'message', 'a capture cannot exceed its hold');
      ELSIF hld.status <> 'open' THEN
        IF (kind = 'release' AND hld.status = 'released')
           OR (kind = 'capture' AND hld.status = 'captured' AND hld.captured_mc = amt)
           OR (kind = 'capture' AND hld.status = 'released' AND amt = 0) THEN
          SELECT * INTO ent FROM ledger_entries WHERE hold_id = hld.id AND type IN ('usage', 'release');
          res := jsonb_build_object('status', 'replayed', 'entry', to_jsonb(ent));
        ELSE
          res := jsonb_build_object('status', 'conflict', 'message', 'the hold is already ' || hld.status);
        END IF;
      ELSE
        IF kind = 'release' THEN amt := 0; END IF;
        -- The hold stops counting; what was captured counts as spent (in the period of the capture).
        IF hld.limit_ids IS NOT NULL THEN
          FOR lid IN SELECT jsonb_array_elements_text(hld.limit_ids::jsonb) LOOP
            i := array_position(l_ids, lid);
            IF i IS NULL THEN
              SELECT * INTO lim FROM spend_limits WHERE id = lid AND account_id = acct;
              IF FOUND THEN${LOAD_LIMIT}
              END IF;
            END IF;
            IF i IS NOT NULL THEN pend := pend || i; END IF;
          END LOOP;${COUNT_PENDING("-hld.amount_mc", "amt")}
        END IF;
        UPDATE balances SET reserved_mc = reserved_mc - hld.amount_mc,
            available_mc = available_mc + (hld.amount_mc - amt), updated_at = now_ms
          WHERE account_id = acct RETURNING * INTO bal;
        UPDATE holds SET status = CASE WHEN amt > 0 THEN 'captured' ELSE 'released' END,
            captured_mc = CASE WHEN amt > 0 THEN amt ELSE NULL END, settled_at = now_ms
          WHERE id = hld.id RETURNING * INTO hld;
        INSERT INTO ledger_entries (id, account_id, type, amount_mc, reserved_delta_mc, balance_after_mc, reserved_after_mc,
            hold_id, operation, quantity, reference, request_id, reason, site_id, key_id, created_at)
          VALUES (op->'entryIds'->>0, acct, CASE WHEN amt > 0 THEN 'usage' ELSE 'release' END, -amt, -hld.amount_mc,
            bal.available_mc + bal.reserved_mc, bal.reserved_mc, hld.id, COALESCE(cause->>'operation', hld.operation),
            (cause->'quantity')::text, cause->>'reference', cause->>'requestId',
            COALESCE(op->>'reason', cause->>'reason'), hld.site_id, hld.key_id, now_ms)
          RETURNING * INTO ent;
        res := jsonb_build_object('status', 'ok', 'entry', to_jsonb(ent), 'hold', to_jsonb(hld));
      END IF;
    ELSE
      RAISE EXCEPTION 'unknown ledger operation %', kind;
    END IF;

    results := results || jsonb_build_array(res);
  END LOOP;
  -- The limits' counters, once each (see l_ids).
  FOR i IN 1 .. COALESCE(array_length(l_ids, 1), 0) LOOP
    IF l_dirty[i] THEN
      UPDATE spend_limits SET held_mc = l_held[i], spent_mc = l_spent[i], period_start = l_ps[i] WHERE id = l_ids[i];
    END IF;
  END LOOP;
  RETURN results;
END $fn$;
`;

/**
 * `credits_apply`, then the statements that commit with the batch (LedgerWrite, LedgerWatcher), in the same
 * statement: one round trip and one commit, where a transaction would take one round trip per statement while the
 * batch's accounts stay locked. `writes` is a list of `{s, on}`: `s` a statement with its values inlined as literals
 * (see inlineParams), run in order when at least one of the operations at positions `on` (0-based) happened. It
 * returns `{results, written}`: `credits_apply`'s results, and the rows each statement changed (0 when it did not
 * run), so that what a statement's commit should set off (waking the event dispatcher) happens only when it wrote.
 */
export const CREDITS_APPLY_WRITES_FUNCTION = `
CREATE OR REPLACE FUNCTION credits_apply_writes(ops jsonb, now_ms bigint, periods jsonb, writes jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  results jsonb := credits_apply(ops, now_ms, periods);
  w jsonb;
  changed bigint;
  written jsonb := '[]'::jsonb;
BEGIN
  FOR w IN SELECT e.value FROM jsonb_array_elements(writes) WITH ORDINALITY AS e(value, n) ORDER BY e.n LOOP
    changed := 0;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(w->'on') AS i(pos)
               WHERE results->(i.pos::int)->>'status' = 'ok') THEN
      EXECUTE w->>'s';
      GET DIAGNOSTICS changed = ROW_COUNT;
    END IF;
    written := written || to_jsonb(changed);
  END LOOP;
  RETURN jsonb_build_object('results', results, 'written', written);
END $fn$;`;
