import { porterStem } from "./porter.js";

/**
 * Text analysis of the keyword index, the same for documents and queries and for SQLite and PostgreSQL: words split
 * and folded as FTS5's `unicode61 remove_diacritics 2` tokenizer does (letters, digits and private-use characters;
 * lower case; no diacritics), stemmed by FTS5's Porter stemmer (see porter.ts), English stopwords dropped. Two
 * deliberate differences from FTS5: compatibility characters are folded too (NFKD: a PDF's "ﬁ" ligature matches
 * "fi"), and the index skips stopwords, which only queries used to drop — no query can ask for one.
 */

// PostgreSQL's `english` stopword list (the Snowball list), so that both engines ignore exactly the same words.
const STOPWORDS = new Set(
  (
    "i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself " +
    "it its itself they them their theirs themselves what which who whom this that these those am is are was were be " +
    "been being have has had having do does did doing a an the and but if or because as until while of at by for with " +
    "about against between into through during before after above below to from up down in out on off over under " +
    "again further then once here there when where why how all any both each few more most other some such no nor " +
    "not only own same so than too very s t can will just don should now"
  ).split(" "),
);

/** Printable ASCII needs no Unicode folding (the common case, and the fast path). */
const ASCII = /^[ -~\t\n\r]*$/;
const WORD = /[\p{L}\p{N}\p{Co}]+/gu;

/** Lower-cased words without diacritics, split the way FTS5's unicode61 tokenizer splits them. */
export function queryWords(text: string): string[] {
  const folded = ASCII.test(text) ? text : text.normalize("NFKD").replace(/\p{M}+/gu, "");
  return folded.toLowerCase().match(WORD) ?? [];
}

export function isStopword(word: string): boolean {
  return STOPWORDS.has(word);
}

/**
 * A stemmer that remembers the words of one batch (Zipf: most tokens repeat). It lives only as long as the call
 * that made it, so no word of a deleted document outlives its request in a process-wide cache.
 */
export function batchStemmer(): (word: string) => string {
  const memo = new Map<string, string>();
  return (word) => {
    let stem = memo.get(word);
    if (stem === undefined) {
      stem = porterStem(word);
      memo.set(word, stem);
    }
    return stem;
  };
}

/** What the keyword index stores of one chunk. */
export interface ChunkTerms {
  /** Stem → frequency, a heading occurrence counting `headingWeight` times. */
  tf: Map<string, number>;
  /** Tokens of text and heading, stopwords included (BM25's document length, as FTS5 counted it). */
  length: number;
}

export function chunkTerms(
  text: string,
  heading: string | undefined,
  options: { headingWeight: number; stem: (word: string) => string },
): ChunkTerms {
  const tf = new Map<string, number>();
  let length = 0;
  const add = (source: string, weight: number) => {
    for (const word of queryWords(source)) {
      length++;
      if (STOPWORDS.has(word)) continue;
      const stem = options.stem(word);
      tf.set(stem, (tf.get(stem) ?? 0) + weight);
    }
  };
  add(text, 1);
  if (heading) add(heading, options.headingWeight);
  return { tf, length };
}

/**
 * Stem → how often the query says it. A repeated word counts once per occurrence (BM25's query-term frequency, which
 * long descriptive queries need: CISI's ~60-word queries, nDCG@10 0.335 → 0.386). Empty when only stopwords remain.
 */
export function queryTerms(text: string): Map<string, number> {
  const terms = new Map<string, number>();
  const stem = batchStemmer();
  for (const word of queryWords(text)) {
    if (STOPWORDS.has(word)) continue;
    const s = stem(word);
    terms.set(s, (terms.get(s) ?? 0) + 1);
  }
  return terms;
}
