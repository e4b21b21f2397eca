/** The synthetic clinic's records file and its enrollment, as the benchmarks set them up. */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CLINIC_MAPPING_YAML, type Patient } from '../../src/demo/synthetic-clinic.js';
import { enroll } from '../../src/enroll/enroll.js';
import { parseMapping } from '../../src/enroll/mapping.js';

/** One CSV line, cells quoted where they hold the delimiter or a quote. */
export function csvLine(cells: string[], d = ','): string {
  return cells.map((c) => (c.includes(d) || c.includes('"') ? `"${c.replace(/"/g, '""')}"` : c)).join(d);
}

/** Writes the patients as the clinic's records file (the columns CLINIC_MAPPING_YAML maps), streamed. */
export async function writePatientsCsv(path: string, patients: readonly Patient[]): Promise<void> {
  const out = createWriteStream(path);
  out.write('patient_id,hetu,full_name,email,phone,birth_date,mrn\n');
  for (const p of patients) {
    if (!out.write(`${csvLine([p.patient_id, p.hetu, p.full_name, p.email, p.phone, p.birth_date, p.mrn])}\n`)) {
      await new Promise<void>((r) => out.once('drain', () => r()));
    }
  }
  await new Promise<void>((r) => out.end(() => r()));
}

/** Enrolls `dir`/patients.csv and the notes under `dir`/notes with the clinic's mapping into `out`. */
export function enrollClinic(org: string, key: Buffer, dir: string, out: string): ReturnType<typeof enroll> {
  return enroll({
    org,
    key,
    mapping: parseMapping(parseYaml(CLINIC_MAPPING_YAML), 'mapping'),
    recordFiles: [join(dir, 'patients.csv')],
    documentsDir: join(dir, 'notes'),
    out,
  });
}
