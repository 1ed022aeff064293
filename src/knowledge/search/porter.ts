/**
 * The Porter stemmer exactly as SQLite's FTS5 `porter` tokenizer applies it (ext/fts5/fts5_tokenize.c), so that
 * moving the keyword index out of FTS5 kept every stem — and every measured ranking — the same. Quirks of that code
 * are kept on purpose: `*v*` treats a `y` after the first letter as a vowel, tokens under 3 or over 64 bytes pass
 * through, and a non-ASCII character counts as a consonant.
 */

type Cond = (s: string, n: number) => boolean;

const isVowel = (c: string | undefined, yIsVowel: boolean) =>
  c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || (yIsVowel && c === "y");

/** Index just past the first vowel-consonant sequence in s[from, n), or 0 when there is none. */
function gobbleVC(s: string, from: number, n: number, prevCons: boolean): number {
  let cons = prevCons;
  let i = from;
  for (; i < n; i++) {
    cons = !isVowel(s[i], cons);
    if (!cons) break;
  }
  for (i++; i < n; i++) {
    cons = !isVowel(s[i], cons);
    if (cons) return i + 1;
  }
  return 0;
}

const mGt0: Cond = (s, n) => gobbleVC(s, 0, n, false) !== 0;
const mGt1: Cond = (s, n) => {
  const k = gobbleVC(s, 0, n, false);
  return k !== 0 && gobbleVC(s, k, n, true) !== 0;
};
const mEq1: Cond = (s, n) => {
  const k = gobbleVC(s, 0, n, false);
  return k !== 0 && gobbleVC(s, k, n, true) === 0;
};
/** *o: the stem ends consonant-vowel-consonant, the last not w, x or y. */
const oStar: Cond = (s, n) => {
  const last = s[n - 1];
  if (last === "w" || last === "x" || last === "y") return false;
  let mask = 0;
  let cons = false;
  for (let i = 0; i < n; i++) {
    cons = !isVowel(s[i], cons);
    mask = ((mask << 1) | (cons ? 1 : 0)) & 7;
  }
  return mask === 5;
};
const mGt1SorT: Cond = (s, n) => (s[n - 1] === "s" || s[n - 1] === "t") && mGt1(s, n);
const hasVowel: Cond = (s, n) => {
  for (let i = 0; i < n; i++) if (isVowel(s[i], i > 0)) return true;
  return false;
};

type Rule = [suffix: string, replacement: string, cond: Cond];

const STEP2: Rule[] = [
  ["ational", "ate", mGt0],
  ["tional", "tion", mGt0],
  ["enci", "ence", mGt0],
  ["anci", "ance", mGt0],
  ["izer", "ize", mGt0],
  ["logi", "log", mGt0],
  ["bli", "ble", mGt0],
  ["alli", "al", mGt0],
  ["entli", "ent", mGt0],
  ["eli", "e", mGt0],
  ["ousli", "ous", mGt0],
  ["ization", "ize", mGt0],
  ["ation", "ate", mGt0],
  ["ator", "ate", mGt0],
  ["alism", "al", mGt0],
  ["iveness", "ive", mGt0],
  ["fulness", "ful", mGt0],
  ["ousness", "ous", mGt0],
  ["aliti", "al", mGt0],
  ["iviti", "ive", mGt0],
  ["biliti", "ble", mGt0],
];
const STEP3: Rule[] = [
  ["ical", "ic", mGt0],
  ["ness", "", mGt0],
  ["icate", "ic", mGt0],
  ["iciti", "ic", mGt0],
  ["ful", "", mGt0],
  ["ative", "", mGt0],
  ["alize", "al", mGt0],
];
const STEP4: Rule[] = [
  ["al", "", mGt1],
  ["ance", "", mGt1],
  ["ence", "", mGt1],
  ["er", "", mGt1],
  ["ic", "", mGt1],
  ["able", "", mGt1],
  ["ible", "", mGt1],
  ["ant", "", mGt1],
  ["ement", "", mGt1],
  ["ment", "", mGt1],
  ["ent", "", mGt1],
  ["ion", "", mGt1SorT],
  ["ou", "", mGt1],
  ["ism", "", mGt1],
  ["ate", "", mGt1],
  ["iti", "", mGt1],
  ["ous", "", mGt1],
  ["ive", "", mGt1],
  ["ize", "", mGt1],
];

/**
 * The first rule whose suffix ends the word (and is shorter than it) decides: applied if its condition holds on the
 * stem, and no later rule is tried either way — FTS5's generated switch behaves the same, since only suffixes
 * sharing the word's second-to-last letter can match.
 */
function applyRules(w: string, rules: Rule[]): string {
  for (const [suffix, replacement, cond] of rules) {
    if (w.length > suffix.length && w.endsWith(suffix)) {
      const stem = w.length - suffix.length;
      return cond(w, stem) ? w.slice(0, stem) + replacement : w;
    }
  }
  return w;
}

const ASCII = /^[ -~]*$/;

/** The stem of one folded (lower-case, diacritics removed) token. */
export function porterStem(token: string): string {
  if (ASCII.test(token)) return stemBytes(token);
  // FTS5 stems UTF-8 bytes: every byte of a non-ASCII character counts as a consonant, which changes the measure
  // and *o tests ("straße" → "straß"). One character per byte (latin1) reproduces that exactly.
  return Buffer.from(stemBytes(Buffer.from(token, "utf8").toString("latin1")), "latin1").toString("utf8");
}

function stemBytes(token: string): string {
  if (token.length < 3 || token.length > 64) return token;
  let w = token;

  // Step 1a.
  if (w.endsWith("s")) {
    const n = w.length;
    if (w[n - 2] === "e") {
      w =
        (n > 4 && w[n - 4] === "s" && w[n - 3] === "s") || (n > 3 && w[n - 3] === "i")
          ? w.slice(0, -2)
          : w.slice(0, -1);
    } else if (w[n - 2] !== "s") {
      w = w.slice(0, -1);
    }
  }

  // Step 1b.
  let removed = false;
  if (w.length > 3 && w.endsWith("eed")) {
    if (mGt0(w, w.length - 3)) w = w.slice(0, -1);
  } else if (w.length > 2 && w.endsWith("ed")) {
    if (hasVowel(w, w.length - 2)) {
      w = w.slice(0, -2);
      removed = true;
    }
  } else if (w.length > 3 && w.endsWith("ing")) {
    if (hasVowel(w, w.length - 3)) {
      w = w.slice(0, -3);
      removed = true;
    }
  }
  if (removed) {
    const n = w.length;
    if (n > 2 && (w.endsWith("at") || w.endsWith("bl") || w.endsWith("iz"))) {
      w += "e";
    } else {
      const c = w[n - 1];
      if (!isVowel(c, false) && c !== "l" && c !== "s" && c !== "z" && c === w[n - 2]) {
        w = w.slice(0, -1);
      } else if (mEq1(w, n) && oStar(w, n)) {
        w += "e";
      }
    }
  }

  // Step 1c.
  if (w.endsWith("y") && hasVowel(w, w.length - 1)) w = `${w.slice(0, -1)}i`;

  // Steps 2 to 4.
  w = applyRules(w, STEP2);
  w = applyRules(w, STEP3);
  w = applyRules(w, STEP4);

  // Step 5a.
  if (w.endsWith("e")) {
    const n = w.length - 1;
    if (mGt1(w, n) || (mEq1(w, n) && !oStar(w, n))) w = w.slice(0, -1);
  }
  // Step 5b.
  if (w.length > 1 && w.endsWith("ll") && mGt1(w, w.length - 1)) w = w.slice(0, -1);
  return w;
}
