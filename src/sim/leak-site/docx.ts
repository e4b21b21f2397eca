/** Minimal valid DOCX files (OPC package with one WordprocessingML part) for leaked notes. */
import { strToU8 } from 'fflate';
import { buildZip, deflatedEntry, type RawZipEntry } from './zip-writer.js';

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
  '</Types>';

const RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
  '</Relationships>';

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The three parts of a DOCX whose paragraphs are the blank-line-separated blocks of `text`. */
export function docxEntries(text: string): RawZipEntry[] {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const runs = p.match(/[^.]+\.?\s*/g) ?? [p];
      return `<w:p>${runs.map((r) => `<w:r><w:t xml:space="preserve">${xmlEscape(r)}</w:t></w:r>`).join('')}</w:p>`;
    });
  const document =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
    paragraphs.join('') +
    '</w:body></w:document>';
  return [
    deflatedEntry('[Content_Types].xml', strToU8(CONTENT_TYPES)),
    deflatedEntry('_rels/.rels', strToU8(RELS)),
    deflatedEntry('word/document.xml', strToU8(document)),
  ];
}

/** A DOCX of `text`; sentences become separate runs, as Word writes them. */
export function buildDocx(text: string): Uint8Array {
  return buildZip(docxEntries(text));
}
