import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encode, FLOAT, INT64, int, msg, node, str, tensor, valueInfo } from "./onnx-proto.js";

/** Tokens of the tiny WordPiece vocabulary, id = position. */
export const TINY_VOCAB = [
  "[PAD]",
  "[UNK]",
  "[CLS]",
  "[SEP]",
  "[MASK]",
  ":",
  "query",
  "passage",
  "the",
  "cat",
  "dog",
  "sat",
  "on",
  "mat",
  "red",
  "blue",
  "fish",
  "a",
  "##s",
  "represent",
  "this",
  "sentence",
  "for",
  "searching",
  "relevant",
  "river",
] as const;

export const TINY_DIMENSIONS = 8;
/** The tokenizer truncates to this many tokens, [CLS] and [SEP] included. */
export const TINY_MAX_TOKENS = 32;

export interface TinyModel {
  dir: string;
  /** The embedding table the graph looks tokens up in: row = token id. */
  table: Float32Array[];
  tokenId(token: string): number;
}

/** Deterministic, non-zero rows: a small LCG, so the expected vectors can be computed from the table in the test. */
function makeTable(): Float32Array[] {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  return TINY_VOCAB.map((token) => {
    const row = new Float32Array(TINY_DIMENSIONS);
    if (token !== "[PAD]") for (let i = 0; i < row.length; i++) row[i] = Math.fround(next());
    return row;
  });
}

/**
 * The graph: last_hidden_state = Gather(table, input_ids) * Unsqueeze(Cast(attention_mask, float), -1). A token's
 * hidden state is its table row, whatever its neighbours, and padding is zero — as a real encoder's output would
 * look to mean pooling.
 */
function graphBytes(table: Float32Array[]): Uint8Array {
  const flat = new Float32Array(table.length * TINY_DIMENSIONS);
  table.forEach((row, i) => {
    flat.set(row, i * TINY_DIMENSIONS);
  });
  const axes = new BigInt64Array([-1n]);
  const graph = msg(
    7,
    node("Gather", ["embedding_table", "input_ids"], ["token_states"], { axis: 0 }),
    node("Cast", ["attention_mask"], ["mask_float"], { to: FLOAT }),
    node("Unsqueeze", ["mask_float", "unsqueeze_axes"], ["mask_3d"]),
    node("Mul", ["token_states", "mask_3d"], ["last_hidden_state"]),
    str(2, "tiny-encoder"),
    tensor(5, "embedding_table", FLOAT, [table.length, TINY_DIMENSIONS], new Uint8Array(flat.buffer)),
    tensor(5, "unsqueeze_axes", INT64, [1], new Uint8Array(axes.buffer)),
    valueInfo(11, "input_ids", INT64, ["batch", "sequence"]),
    valueInfo(11, "attention_mask", INT64, ["batch", "sequence"]),
    valueInfo(12, "last_hidden_state", FLOAT, ["batch", "sequence", TINY_DIMENSIONS]),
  );
  // ir_version 8, producer_name, graph, opset_import { domain "", version 17 }
  return encode(int(1, 8), str(2, "api-credits-test"), graph, msg(8, str(1, ""), int(2, 17)));
}

function tokenizerJson() {
  const special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
  const template = (type_id: number, id: string) => ({ SpecialToken: { id, type_id } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: special.map((content) => ({
      id: TINY_VOCAB.indexOf(content as (typeof TINY_VOCAB)[number]),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: "BertNormalizer",
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [template(0, "[CLS]"), { Sequence: { id: "A", type_id: 0 } }, template(0, "[SEP]")],
      pair: [
        template(0, "[CLS]"),
        { Sequence: { id: "A", type_id: 0 } },
        template(0, "[SEP]"),
        { Sequence: { id: "B", type_id: 1 } },
        template(1, "[SEP]"),
      ],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [2], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [3], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: {
      type: "WordPiece",
      unk_token: "[UNK]",
      continuing_subword_prefix: "##",
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(TINY_VOCAB.map((token, id) => [token, id])),
    },
  };
}

/** Writes a complete model directory (config, tokenizer, onnx/model.onnx) the ONNX adapter can load. */
export function buildTinyModel(dir: string): TinyModel {
  const table = makeTable();
  mkdirSync(path.join(dir, "onnx"), { recursive: true });
  writeFileSync(path.join(dir, "onnx", "model.onnx"), graphBytes(table));
  writeFileSync(
    path.join(dir, "config.json"),
    JSON.stringify({
      model_type: "bert",
      architectures: ["BertModel"],
      hidden_size: TINY_DIMENSIONS,
      vocab_size: TINY_VOCAB.length,
      max_position_embeddings: TINY_MAX_TOKENS,
      num_attention_heads: 1,
      num_hidden_layers: 1,
    }),
  );
  writeFileSync(path.join(dir, "tokenizer.json"), JSON.stringify(tokenizerJson()));
  writeFileSync(
    path.join(dir, "tokenizer_config.json"),
    JSON.stringify({
      tokenizer_class: "BertTokenizer",
      model_max_length: TINY_MAX_TOKENS,
      do_lower_case: true,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
    }),
  );
  return {
    dir,
    table,
    tokenId(token) {
      const id = TINY_VOCAB.indexOf(token as (typeof TINY_VOCAB)[number]);
      if (id < 0) throw new Error(`${token} is not in the tiny vocabulary`);
      return id;
    },
  };
}
