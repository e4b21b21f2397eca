/**
 * A synthetic psychotherapy clinic: patients with valid-looking but never-real
 * identifiers (temporary hetu numbers 900-999, example.* e-mail domains) and
 * generated session notes. Used by the demo, the tests and the benchmarks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, makeEmail, makeFiPhone, makeHetu, makeName, type Rng } from '../matcher/identifiers/synthetic.js';

export interface Patient {
  patient_id: string;
  hetu: string;
  full_name: string;
  email: string;
  phone: string;
  birth_date: string;
  mrn: string;
}

export interface Note {
  ref: string;
  text: string;
}

/** The mapping YAML that matches `Patient` columns. */
export const CLINIC_MAPPING_YAML = `record_id: patient_id
fields:
  - { column: hetu,       type: fi_hetu, role: primary }
  - { column: email,      type: email,   role: primary }
  - { column: phone,      type: phone,   role: primary, region: FI }
  - { column: mrn,        type: custom,  role: primary, pattern: 'VA-\\d{6}' }
  - { column: full_name,  type: name,    role: corroborating }
  - { column: birth_date, type: date,    role: corroborating }
`;

const CENTURY: Record<string, number> = { '+': 1800, '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900 };

/** ISO birth date encoded in a hetu. */
export function hetuBirthDate(hetu: string): string {
  const c = CENTURY[hetu[6]!] ?? 2000;
  return `${c + Number(hetu.slice(4, 6))}-${hetu.slice(2, 4)}-${hetu.slice(0, 2)}`;
}

/** Generates `n` patients deterministically from `seed`. */
export function makePatients(n: number, seed = 1, idBase = 10_000): Patient[] {
  const rng = createRng(seed);
  const out: Patient[] = [];
  for (let i = 0; i < n; i++) {
    const hetu = makeHetu(rng);
    const full_name = makeName(rng);
    out.push({
      patient_id: `P-${idBase + i}`,
      hetu,
      full_name,
      // Unique per patient (the name lists are short): the id goes into the local part.
      email: makeEmail(rng, full_name).replace('@', `.${idBase + i}@`),
      phone: makeFiPhone(rng),
      birth_date: hetuBirthDate(hetu),
      mrn: `VA-${String(100_000 + ((i * 7919 + seed) % 900_000)).padStart(6, '0')}`,
    });
  }
  return out;
}

const WORDS = (
  'patient reports sleep anxiety work family mother father partner sessions mood improved worse better ' +
  'therapy plan exercises breathing panic attacks school stress memory childhood grief loss trust ' +
  'anger shame medication doctor referral week month evening morning weekend conflict friends ' +
  'colleagues manager deadline alcohol running walking diary thoughts feelings avoidance exposure ' +
  'homework progress relapse goals values boundaries sister brother divorce moving apartment city ' +
  'summer winter holiday appetite energy concentration motivation rumination worry calm safe unsafe'
).split(' ');

function sentence(rng: Rng): string {
  const n = 8 + Math.floor(rng() * 12);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rng() * WORDS.length)]!);
  const s = words.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

/** Template text that every note shares (boilerplate that must never alert on its own). */
export const NOTE_TEMPLATE_HEADER =
  'Lakeside Therapy Centre - session note. Confidential health record. ' +
  'Handle according to the clinic data protection policy and do not forward.';

/** Generates `n` session notes of roughly `words` words each. */
export function makeNotes(n: number, seed = 2, words = 250): Note[] {
  const rng = createRng(seed);
  const out: Note[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ ref: `notes/note-${String(i + 1).padStart(5, '0')}.txt`, text: `${NOTE_TEMPLATE_HEADER}\n\n${makeFiller(rng, words)}\n` });
  }
  return out;
}

/** Generated prose of at least `words` words (note bodies, and unrelated filler for leaks and corpora). */
export function makeFiller(rng: Rng, words: number): string {
  const parts: string[] = [];
  let count = 0;
  while (count < words) {
    const s = sentence(rng);
    parts.push(s);
    count += s.split(' ').length;
  }
  return parts.join(' ');
}

/** Writes patients as CSV with the given delimiter (quoted where needed). */
export function patientsCsv(patients: readonly Patient[], delimiter = ','): string {
  const cols = ['patient_id', 'hetu', 'full_name', 'email', 'phone', 'birth_date', 'mrn'] as const;
  const q = (v: string) => (/[",;\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [cols.join(delimiter), ...patients.map((p) => cols.map((c) => q(p[c])).join(delimiter))].join('\n') + '\n';
}

/** Rewrites a Finnish phone number into another common written form. */
export function reformatPhone(phone: string, variant: number): string {
  const digits = phone.replace(/\D/g, '').replace(/^358/, '0');
  const op = digits.slice(1, 3);
  const sub = digits.slice(3);
  const forms = [`+358 ${op} ${sub.slice(0, 3)} ${sub.slice(3)}`, `0${op}-${sub}`, `0${op}${sub}`];
  return forms[variant % forms.length]!;
}

/** "Matti Virtanen" -> "VIRTANEN, Matti". */
export function reverseName(name: string): string {
  const parts = name.split(' ');
  return `${parts.slice(1).join(' ').toUpperCase()}, ${parts[0]}`;
}

/** "1985-02-01" -> "1.2.1985". */
export function finnishDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${Number(d)}.${Number(m)}.${y}`;
}

/** Writes a synthetic clinic's records, mapping and notes under `dir` (patients.csv, mapping.yaml, notes/). */
export function writeClinic(dir: string, patients: readonly Patient[], notes: readonly Note[], canaries: readonly Patient[] = []): void {
  mkdirSync(join(dir, 'notes'), { recursive: true });
  writeFileSync(join(dir, 'patients.csv'), patientsCsv(patients));
  if (canaries.length) writeFileSync(join(dir, 'canaries.csv'), patientsCsv(canaries));
  writeFileSync(join(dir, 'mapping.yaml'), CLINIC_MAPPING_YAML);
  for (const n of notes) writeFileSync(join(dir, n.ref), n.text);
}
