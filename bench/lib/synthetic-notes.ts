/**
 * Seeded synthetic "therapy notes" for benchmarks: made-up words from
 * Finnish-looking syllables, drawn with a skewed frequency distribution, in
 * capitalized sentences with punctuation and paragraph breaks. No real text.
 */

/** xorshift32; deterministic per seed. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const SYLLABLES = [
  'ka', 'lo', 'mi', 'ren', 'tus', 've', 'la', 'or', 'in', 'sa', 'de', 'nu', 'pa', 'ke', 'li', 'to',
  'mö', 'hä', 'ty', 'jär', 'vi', 'suo', 'kel', 'ta', 'ri', 'nen', 'ssa', 'lla', 'äi', 'us', 'ko', 'hi',
];

/** A vocabulary of `size` distinct synthetic words. */
export function makeVocabulary(size: number, seed: number): string[] {
  const random = seededRandom(seed);
  const words = new Set<string>();
  while (words.size < size) {
    let w = '';
    const syllables = 1 + Math.floor(random() * 4);
    for (let i = 0; i < syllables; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    words.add(w);
  }
  return [...words];
}

/** Picks a word; low indices are far more frequent, as in natural text. */
export function pickWord(vocab: readonly string[], random: () => number): string {
  return vocab[Math.floor(random() ** 3 * vocab.length)]!;
}

/** A note as tokens: words with their trailing punctuation, the first of each sentence capitalized. */
export function makeNote(vocab: readonly string[], words: number, random: () => number): string[] {
  const tokens: string[] = [];
  let sentenceLeft = 0;
  for (let i = 0; i < words; i++) {
    let w = pickWord(vocab, random);
    if (sentenceLeft === 0) {
      sentenceLeft = 6 + Math.floor(random() * 13);
      w = w[0]!.toUpperCase() + w.slice(1);
    }
    sentenceLeft--;
    if (sentenceLeft === 0 || i === words - 1) w += '.';
    else if (random() < 0.06) w += ',';
    tokens.push(w);
  }
  return tokens;
}

/** Renders tokens as text, starting a new paragraph at the first sentence after every ~60 words. */
export function render(tokens: readonly string[]): string {
  let out = '';
  let sinceBreak = 0;
  for (const [i, t] of tokens.entries()) {
    if (i > 0) {
      const paragraph = sinceBreak >= 60 && t[0] !== t[0]!.toLowerCase();
      out += paragraph ? '\n\n' : ' ';
      if (paragraph) sinceBreak = 0;
    }
    sinceBreak++;
    out += t;
  }
  return out;
}
