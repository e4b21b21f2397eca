/** Splits strings into pieces for "same result however the input is chunked" properties. */

/** Cuts `s` at the given offsets (taken modulo s.length + 1, deduplicated, sorted). */
export function cutAt(s: string, offsets: readonly number[]): string[] {
  const points = [...new Set(offsets.map((o) => o % (s.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let from = 0;
  for (const p of points) {
    parts.push(s.slice(from, p));
    from = p;
  }
  parts.push(s.slice(from));
  return parts;
}

/** Cuts `s` at fractions of its length (each in [0, 1)). */
export function cutAtFractions(s: string, fractions: readonly number[]): string[] {
  return cutAt(
    s,
    fractions.map((f) => Math.floor(f * s.length)),
  );
}
