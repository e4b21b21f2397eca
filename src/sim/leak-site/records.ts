/** How leaked records and notes look once an attacker has exported and reposted them. */
import {
  NOTE_TEMPLATE_HEADER,
  finnishDate,
  patientsCsv,
  reformatPhone,
  reverseName,
  type Note,
  type Patient,
} from '../../demo/synthetic-clinic.js';

/** A patient as the attacker's export writes it: lowercase hetu, "VIRTANEN, Matti", Finnish date, another phone form. */
export function exportedPatient(p: Patient): Patient {
  const variant = Number(p.patient_id.replace(/\D/g, '')) || 0;
  return {
    ...p,
    hetu: p.hetu.toLowerCase(),
    full_name: reverseName(p.full_name),
    birth_date: finnishDate(p.birth_date),
    phone: reformatPhone(p.phone, variant),
  };
}

/** Semicolon-separated dump of `rows` in exported form, with a header line. */
export function leakCsv(rows: readonly Patient[]): string {
  return patientsCsv(rows.map(exportedPatient), ';');
}

/** The data lines of `leakCsv(rows)`, without the header (for rows quoted inline). */
export function leakRowLines(rows: readonly Patient[]): string[] {
  return leakCsv(rows).trimEnd().split('\n').slice(1);
}

/** The first `words` words of a note's body (after the shared template header). */
export function noteExcerpt(note: Note, words = 60): string {
  return note.text.replace(NOTE_TEMPLATE_HEADER, '').trim().split(/\s+/).slice(0, words).join(' ');
}
