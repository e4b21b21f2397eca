/** Check-digit algorithms shared by the identifier types (all operate on ASCII digit strings). */

/** Digit values of an ASCII digit string; callers have already checked the shape. */
function digitsOf(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) - 48);
  return out;
}

/** Luhn (mod 10, weights 2-1 from the right) over a digit string including its check digit. */
export function luhnValid(digits: string): boolean {
  return digits.length > 1 && luhnSum(digits, false) % 10 === 0;
}

/** The Luhn check digit to append to `payload`. */
export function luhnCheckDigit(payload: string): number {
  return (10 - (luhnSum(payload, true) % 10)) % 10;
}

function luhnSum(digits: string, doubleLast: boolean): number {
  const d = digitsOf(digits);
  let sum = 0;
  let double = doubleLast;
  for (let i = d.length - 1; i >= 0; i--) {
    let v = d[i]!;
    if (double) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    double = !double;
  }
  return sum;
}

/**
 * Weighted mod-11 check digit in the common "11 - (sum mod 11)" form:
 * 11 becomes 0 and 10 means the payload can carry no valid check digit (-1).
 */
export function mod11CheckDigit(payload: string, weights: readonly number[]): number {
  const d = digitsOf(payload);
  let sum = 0;
  for (let i = 0; i < d.length; i++) sum += d[i]! * weights[i]!;
  const r = 11 - (sum % 11);
  if (r === 11) return 0;
  return r === 10 ? -1 : r;
}

/** ISO 7064 mod 97-10 remainder of an alphanumeric string (letters A=10 … Z=35), as IBAN uses. */
export function mod97(alnum: string): number {
  let rem = 0;
  for (let i = 0; i < alnum.length; i++) {
    const c = alnum.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      rem = (rem * 10 + (c - 48)) % 97;
    } else {
      // Letters expand to two digits; folding them in one step keeps `rem` small.
      rem = (rem * 100 + (c - 55)) % 97;
    }
  }
  return rem;
}
