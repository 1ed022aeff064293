import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Keyed terms keep 128 bits of the HMAC: collisions between a knowledge base's terms are out of reach. */
const TERM_BYTES = 16;

/**
 * What one secret key protects: text sealed with AES-256-GCM (a random 96-bit IV per message, the tag after the
 * ciphertext) and words replaced by HMAC-SHA256 tokens, which keep equality (an index can still look a term up) and
 * reveal nothing without the key. Both subkeys are derived from the one key, so destroying it erases both.
 */
export class Sealer {
  private readonly textKey: Buffer;
  private readonly termKey: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error("a sealing key is 32 bytes");
    this.textKey = createHmac("sha256", key).update("text").digest();
    this.termKey = createHmac("sha256", key).update("terms").digest();
  }

  /** iv ‖ ciphertext ‖ tag. */
  seal(plain: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.textKey, iv);
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  /** Throws when the bytes were not sealed with this key or were altered. */
  open(sealed: Uint8Array): string {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const decipher = createDecipheriv("aes-256-gcm", this.textKey, bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  }

  /** A term's keyed form: base64url of the truncated HMAC (22 characters). */
  term(term: string): string {
    return createHmac("sha256", this.termKey)
      .update(term, "utf8")
      .digest()
      .subarray(0, TERM_BYTES)
      .toString("base64url");
  }
}
