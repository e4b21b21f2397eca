/** The mapping file: which record columns are identifiers, of what type and role. */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../config/load.js';
import { LeakwatchError } from '../errors.js';
import { compileCustomPattern } from '../matcher/identifiers/custom.js';
import { getIdentifierType } from '../matcher/identifiers/registry.js';
import { IDENTIFIER_TYPES, type IdentifierType } from '../matcher/identifiers/types.js';
import type { ResolvedField } from './fields.js';

export { fieldsFromBundle, type ResolvedField } from './fields.js';

const fieldSchema = z
  .strictObject({
    column: z.string().min(1),
    type: z.enum(IDENTIFIER_TYPES),
    role: z.enum(['primary', 'corroborating']),
    region: z
      .string()
      .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code such as FI')
      .optional(),
    pattern: z.string().min(1).max(200).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.type === 'custom' && !f.pattern) ctx.addIssue({ code: 'custom', message: "type 'custom' needs a 'pattern'" });
    if (f.type !== 'custom' && f.pattern) ctx.addIssue({ code: 'custom', message: "'pattern' is only for type 'custom'" });
    if (f.role === 'primary' && (f.type === 'name' || f.type === 'postcode' || f.type === 'date')) {
      ctx.addIssue({ code: 'custom', message: `type '${f.type}' can only be 'corroborating' (too common to identify a record alone)` });
    }
  });

const mappingSchema = z.strictObject({
  record_id: z.string().min(1),
  fields: z.array(fieldSchema).min(1),
  /** A text fingerprint in at least this many documents is template boilerplate (default: max(3, 0.5% of documents)). */
  boilerplate_min_docs: z.number().int().min(2).optional(),
});


export interface Mapping {
  recordId: string;
  fields: ResolvedField[];
  boilerplateMinDocs?: number;
}

/** Validates a parsed mapping; every problem is reported with its path. */
export function parseMapping(raw: unknown, where: string): Mapping {
  const result = mappingSchema.safeParse(raw);
  if (!result.success) {
    throw new LeakwatchError('LW_MAPPING_INVALID', `${where}: ${formatIssues(result.error.issues).join('; ')}`);
  }
  const m = result.data;
  if (!m.fields.some((f) => f.role === 'primary')) {
    throw new LeakwatchError('LW_MAPPING_INVALID', `${where}: fields: at least one field must have role 'primary'`);
  }
  const seen = new Set<string>();
  const fields = m.fields.map((f, i): ResolvedField => {
    if (seen.has(f.column)) throw new LeakwatchError('LW_MAPPING_INVALID', `${where}: fields[${i}].column: '${f.column}' mapped twice`);
    seen.add(f.column);
    let impl: IdentifierType;
    try {
      impl = f.type === 'custom' ? compileCustomPattern(f.pattern!) : getIdentifierType(f.type);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const code = err instanceof LeakwatchError ? err.code : 'LW_MAPPING_INVALID';
      throw new LeakwatchError(code, `${where}: fields[${i}].pattern: ${msg}`, { cause: err });
    }
    const label = f.type === 'custom' ? `custom:${f.column}` : f.type;
    return { ...f, label, impl };
  });
  if (fields.length > 250) throw new LeakwatchError('LW_MAPPING_INVALID', `${where}: fields: at most 250 fields`);
  return { recordId: m.record_id, fields, boilerplateMinDocs: m.boilerplate_min_docs };
}

/** Reads and validates a mapping file. */
export function readMapping(path: string): Mapping {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LeakwatchError('LW_MAPPING_INVALID', `${path}: ${code ? `cannot read (${code})` : 'invalid YAML'}`, { cause: err });
  }
  return parseMapping(raw, path);
}

