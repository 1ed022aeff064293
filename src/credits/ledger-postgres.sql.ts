/**
 * Applies a batch of ledger operations in one round trip and one commit. Every operation first locks its account's
 * balance row, so operations on one account are serialised across processes, and the idempotency checks that
 * follow cannot race. The caller sorts a batch by account so that two processes always lock accounts in the same
 * order (no deadlocks). Semantics match the SQLite adapter; the shared contract suite proves it. Entry ids come
 * with each operation (`entryIds`: the entry's, then a bonus entry's), made by newId like every other id.
 */
export const CREDITS_APPLY_FUNCTION = `
CREATE OR REPLACE FUNCTION credits_apply(ops jsonb, now_ms bigint) RETURNS jsonb LANGUAGE plpgsql AS $fn$
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
BEGIN
  FOR op IN SELECT value FROM jsonb_array_elements(ops) LOOP
    kind := op->>'kind';
    acct := op->>'accountId';
    amt := COALESCE((op->>'amountMc')::bigint, 0);
    ikey := op->>'idemKey';
    cause := COALESCE(op->'cause', '{}'::jsonb);
    res := NULL;

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
            hold_id, idem_key, operation, quantity, reference, request_id, reason, created_at)
          VALUES (op->'entryIds'->>0, acct, op->>'type', take, 0, bal.available_mc + bal.reserved_mc, bal.reserved_mc,
            NULL, ikey, cause->>'operation', (cause->'quantity')::text, cause->>'reference', cause->>'requestId',
            cause->>'reason', now_ms)
          RETURNING * INTO ent;
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
      IF res IS NULL AND bal.available_mc < amt THEN
        res := jsonb_build_object('status', 'insufficient', 'availableMc', bal.available_mc);
      END IF;
      IF res IS NULL THEN
        UPDATE balances SET available_mc = available_mc - amt, reserved_mc = reserved_mc + amt, updated_at = now_ms
          WHERE account_id = acct RETURNING * INTO bal;
        INSERT INTO holds (id, account_id, idem_key, amount_mc, status, operation, owner, expires_at, created_at)
          VALUES (op->>'holdId', acct, ikey, amt, 'open', cause->>'operation', op->>'owner', (op->>'expiresAt')::bigint, now_ms)
          RETURNING * INTO hld;
        INSERT INTO ledger_entries (id, account_id, type, amount_mc, reserved_delta_mc, balance_after_mc, reserved_after_mc,
            hold_id, operation, quantity, reference, request_id, reason, created_at)
          VALUES (op->'entryIds'->>0, acct, 'hold', 0, amt, bal.available_mc + bal.reserved_mc, bal.reserved_mc,
            hld.id, cause->>'operation', (cause->'quantity')::text, cause->>'reference', cause->>'requestId',
            cause->>'reason', now_ms)
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
        UPDATE balances SET reserved_mc = reserved_mc - hld.amount_mc,
            available_mc = available_mc + (hld.amount_mc - amt), updated_at = now_ms
          WHERE account_id = acct RETURNING * INTO bal;
        UPDATE holds SET status = CASE WHEN amt > 0 THEN 'captured' ELSE 'released' END,
            captured_mc = CASE WHEN amt > 0 THEN amt ELSE NULL END, settled_at = now_ms
          WHERE id = hld.id RETURNING * INTO hld;
        INSERT INTO ledger_entries (id, account_id, type, amount_mc, reserved_delta_mc, balance_after_mc, reserved_after_mc,
            hold_id, operation, quantity, reference, request_id, reason, created_at)
          VALUES (op->'entryIds'->>0, acct, CASE WHEN amt > 0 THEN 'usage' ELSE 'release' END, -amt, -hld.amount_mc,
            bal.available_mc + bal.reserved_mc, bal.reserved_mc, hld.id, COALESCE(cause->>'operation', hld.operation),
            (cause->'quantity')::text, cause->>'reference', cause->>'requestId',
            COALESCE(op->>'reason', cause->>'reason'), now_ms)
          RETURNING * INTO ent;
        res := jsonb_build_object('status', 'ok', 'entry', to_jsonb(ent), 'hold', to_jsonb(hld));
      END IF;
    ELSE
      RAISE EXCEPTION 'unknown ledger operation %', kind;
    END IF;

    results := results || jsonb_build_array(res);
  END LOOP;
  RETURN results;
END $fn$;
`;
