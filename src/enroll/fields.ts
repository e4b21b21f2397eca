/**
 * Mapped fields as the matcher uses them, rebuilt from a bundle's header.
 * Apart from the mapping's parser (mapping.ts), so that loading a bundle does
 * not import the YAML parser and the schema library: with them, a scanning
 * process started about 20 MiB larger.
 */
import { LeakwatchError } from '../errors.js';
import type { BundleField } from '../bundle/format.js';
import { compileCustomPattern } from '../matcher/identifiers/custom.js';
import { getIdentifierType } from '../matcher/identifiers/registry.js';
import type { IdentifierType } from '../matcher/identifiers/types.js';

/** Label under which each token of a name is hashed, so word order never matters. */
export const NAME_TOKEN_LABEL = 'name_token';

/** A field ready to use: its type object and its hash label. */
export interface ResolvedField extends BundleField {
  impl: IdentifierType;
}

/** Rebuilds resolved fields from a bundle header (scan side). */
export function fieldsFromBundle(fields: BundleField[], where: string): ResolvedField[] {
  return fields.map((f, i) => {
    try {
      const impl = f.type === 'custom' ? compileCustomPattern(f.pattern ?? '') : getIdentifierType(f.type);
      return { ...f, impl };
    } catch (err) {
      throw new LeakwatchError('LW_BUNDLE_INVALID', `${where}: fields[${i}]: ${(err as Error).message}`, { cause: err });
    }
  });
}
