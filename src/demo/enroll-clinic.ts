/** Enrolls a synthetic clinic in one call (demo, tests, benchmarks). */
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { BundleHeader } from '../bundle/format.js';
import { enroll } from '../enroll/enroll.js';
import { parseMapping } from '../enroll/mapping.js';
import { generateKey } from '../keys/org-key.js';
import { CLINIC_MAPPING_YAML, writeClinic, type Note, type Patient } from './synthetic-clinic.js';

/** Writes the clinic under `dir`, enrolls it with a fresh key, and returns the key and bundle. */
export async function enrollSyntheticClinic(
  dir: string,
  patients: readonly Patient[],
  notes: readonly Note[],
  opts: { org?: string; canaries?: readonly Patient[]; key?: Buffer } = {},
): Promise<{ key: Buffer; bundlePath: string; header: BundleHeader }> {
  writeClinic(dir, patients, notes, opts.canaries);
  const key = opts.key ?? generateKey();
  const bundlePath = join(dir, `${opts.org ?? 'clinic-a'}.lwb`);
  const header = await enroll({
    org: opts.org ?? 'clinic-a',
    key,
    mapping: parseMapping(parseYaml(CLINIC_MAPPING_YAML), 'mapping.yaml'),
    recordFiles: [join(dir, 'patients.csv')],
    canaryFiles: opts.canaries?.length ? [join(dir, 'canaries.csv')] : undefined,
    documentsDir: join(dir, 'notes'),
    out: bundlePath,
  });
  return { key, bundlePath, header };
}
