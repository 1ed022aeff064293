import { Sealer } from "../lib/sealing.js";
import type { KeyStore } from "../storage/key-store.js";

/**
 * Signing secrets at rest: sealed (AES-256-GCM) with a key of the account's own in the `KeyStore`, so a copy of the
 * database alone cannot sign as us. The keys live under `webhooks/`, apart from the account's data keys
 * (`<account>/…`), which deleting the account's data destroys: the endpoints are settings and outlive that.
 */
export class SecretVault {
  constructor(private readonly keys: KeyStore) {}

  private async sealer(accountId: string): Promise<Sealer> {
    return new Sealer(await this.keys.key(`webhooks/${accountId}`, { create: true }));
  }

  async seal(accountId: string, secret: string): Promise<string> {
    return (await this.sealer(accountId)).seal(secret).toString("base64");
  }

  async open(accountId: string, sealed: string): Promise<string> {
    return (await this.sealer(accountId)).open(Buffer.from(sealed, "base64"));
  }
}
