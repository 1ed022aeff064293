import { countTokens as countO200k, decode, encode } from "gpt-tokenizer/encoding/o200k_base";

/**
 * The one tokenizer that meters training: OpenAI's `o200k_base` BPE (GPT-4o family), from `gpt-tokenizer`.
 * Special-token strings such as `<|endoftext|>` in a document are ordinary text here, never control tokens.
 */
export const TOKENIZER_NAME = "o200k_base";

const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

export function countTokens(text: string): number {
  return countO200k(text, PLAIN);
}

export function encodeTokens(text: string): number[] {
  return encode(text, PLAIN);
}

export function decodeTokens(tokens: number[]): string {
  return decode(tokens);
}
