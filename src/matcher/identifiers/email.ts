/**
 * E-mail address. Canonical form: NFKC, trimmed, whole address lower-cased.
 * RFC 5321 lets the local part be case-sensitive, but no mainstream provider
 * treats it so and leaked dumps change case freely, so it is matched
 * case-insensitively. Validation is deliberately practical: dot-atom local part
 * (Unicode letters allowed), a domain of at least two labels and a letter TLD.
 */
import { cleanInput } from './lexical.js';
import type { IdentifierType } from './types.js';

const LOCAL_CHAR = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]";
const LOCAL = new RegExp(`^${LOCAL_CHAR}+(?:\\.${LOCAL_CHAR}+)*$`, 'u');
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD = /^\p{L}{2,63}$/u;

function normalize(raw: string): string | null {
  const s = cleanInput(raw)?.toLowerCase();
  if (s === undefined || s.length > 254) return null;
  const at = s.lastIndexOf('@');
  if (at < 1 || at !== s.indexOf('@')) return null;
  const local = s.slice(0, at);
  const labels = s.slice(at + 1).split('.');
  if (local.length > 64 || !LOCAL.test(local) || labels.length < 2) return null;
  if (!labels.every((l) => LABEL.test(l)) || !TLD.test(labels[labels.length - 1]!)) return null;
  return s;
}

/** E-mail address. */
export const email: IdentifierType = {
  name: 'email',
  // Domain labels cannot contain '.', so the repeated group splits one way only.
  pattern: new RegExp(
    `(?<![\\p{L}\\p{N}_.%+'-])[\\p{L}\\p{N}._%+'-]{1,64}@(?:[\\p{L}\\p{N}-]{1,63}\\.){1,8}\\p{L}{2,63}(?![\\p{L}\\p{N}_-])`,
    'gu',
  ),
  // Local part up to 64 characters, domain up to 8 labels of 63.
  anchor: { literal: '@', before: 65, after: 8 * 64 + 64 },
  normalize,
};
