/** Damaged documents for the corruptDocs switch: extractors must fail cleanly on them. */
import { docxEntries } from './docx.js';
import { buildPdf } from './pdf.js';
import { buildZip } from './zip-writer.js';

/** A DOCX whose directory is intact but whose document part holds garbage (inflate error or CRC mismatch). */
export function corruptDocx(text: string): Uint8Array {
  const entries = docxEntries(text).map((e) => {
    if (e.name !== 'word/document.xml') return e;
    const compressed = e.compressed.slice();
    compressed.fill(0xff, Math.floor(compressed.length / 3), Math.floor(compressed.length / 3) + 48);
    return { ...e, compressed };
  });
  return buildZip(entries);
}

/** The first 60% of a valid PDF: no xref, no trailer, an unterminated content stream. */
export function truncatedPdf(text: string): Uint8Array {
  const full = buildPdf(text);
  return full.subarray(0, Math.floor(full.length * 0.6));
}
