/** Lookup of the built-in identifier types by name. */
import { LeakwatchError } from '../../errors.js';
import { card } from './card.js';
import { date } from './date.js';
import { dkCpr } from './dk-cpr.js';
import { email } from './email.js';
import { fiHetu } from './fi-hetu.js';
import { iban } from './iban.js';
import { personName } from './name.js';
import { noFodselsnummer } from './no-fodselsnummer.js';
import { phone } from './phone.js';
import { postcode } from './postcode.js';
import { sePersonnummer } from './se-personnummer.js';
import { IDENTIFIER_TYPES, type IdentifierType, type IdentifierTypeName, type NormalizeOptions } from './types.js';
import { ukNhs } from './uk-nhs.js';
import { usSsn } from './us-ssn.js';

/** Every built-in type; `custom` is absent because it needs the organization's pattern (compileCustomPattern). */
export const ALL_TYPES: readonly IdentifierType[] = Object.freeze([
  fiHetu, sePersonnummer, noFodselsnummer, dkCpr, usSsn, ukNhs, iban, card, email, phone, personName, date, postcode,
]);

const BY_NAME = new Map<string, IdentifierType>(ALL_TYPES.map((t) => [t.name, t]));

/** True when `name` is one of the identifier type names (including `custom`). */
export function isIdentifierTypeName(name: string): name is IdentifierTypeName {
  return (IDENTIFIER_TYPES as readonly string[]).includes(name);
}

/** The built-in type called `name`; throws LW_MAPPING_INVALID for unknown names and for `custom`. */
export function getIdentifierType(name: string): IdentifierType {
  const type = BY_NAME.get(name);
  if (type !== undefined) return type;
  if (name === 'custom') {
    throw new LeakwatchError('LW_MAPPING_INVALID', 'identifier type custom needs a pattern (compileCustomPattern)');
  }
  throw new LeakwatchError('LW_MAPPING_INVALID', `unknown identifier type (known: ${IDENTIFIER_TYPES.join(', ')})`);
}

/** Canonical form of `raw` under `type` (a built-in name or a type object), or null when invalid. */
export function normalizeValue(
  type: IdentifierTypeName | IdentifierType,
  raw: string,
  options: NormalizeOptions = {},
): string | null {
  const t = typeof type === 'string' ? getIdentifierType(type) : type;
  return t.normalize(raw, options);
}
