/**
 * Regions whose national numbers are written with a trunk '0' that is not part
 * of the E.164 number, with their country calling codes. (Italy keeps its 0 and
 * Norway/Denmark have none, so they are not here.) Shared by the phone type's
 * scan keys (phone.ts) and the loop that writes them (phone-kernel.ts).
 */
export const TRUNK_ZERO: Readonly<Record<string, string>> = {
  FI: '358', SE: '46', GB: '44', DE: '49', NL: '31', FR: '33', AT: '43', CH: '41', BE: '32', IE: '353', AU: '61', NZ: '64',
};

/** Region (as given) -> its trunk-zero calling code, or null; cached per region string. */
const regionCodes = new Map<string, string | null>();

/** The trunk-zero calling code of `region` (any case), or null. */
export function trunkCode(region: string | undefined): string | null {
  if (region === undefined) return null;
  let cc = regionCodes.get(region);
  if (cc === undefined) {
    cc = TRUNK_ZERO[region.toUpperCase()] ?? null;
    regionCodes.set(region, cc);
  }
  return cc;
}
