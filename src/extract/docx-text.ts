/**
 * Text of a .docx (WordprocessingML) package: the main document, then
 * headers, footers, footnotes and endnotes. Paragraphs become lines; tabs
 * and breaks are kept; deleted (tracked) text and text-box (DrawingML) text
 * are included, since they are part of the file.
 */
import { LeakwatchError } from '../errors.js';
import { inflateEntry, readZipDirectory, type InflateCaps } from './zip-directory.js';
import { XmlStream } from './xml-stream.js';

export interface DocxOptions extends InflateCaps {
  maxEntries: number;
}

const EXTRA_PARTS = /^word\/(?:header\d*|footer\d*|footnotes|endnotes)\.xml$/;

/** Yields the text of a .docx in pieces; throws LW_EXTRACT_CORRUPT / LW_EXTRACT_LIMIT. */
export function* docxText(buf: Uint8Array, options: DocxOptions): Generator<string> {
  const dir = readZipDirectory(buf, options.maxEntries);
  const main = dir.get('word/document.xml');
  if (main === undefined) throw new LeakwatchError('LW_EXTRACT_CORRUPT', 'docx has no word/document.xml');
  const extra = [...dir.values()].filter((e) => EXTRA_PARTS.test(e.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of [main, ...extra]) {
    let pieces: string[] = [];
    let inText = 0;
    let inTabStops = 0;
    const xml = new XmlStream(
      {
        open(name) {
          switch (name) {
            case 't':
            case 'delText':
              inText++;
              break;
            case 'tabs':
              inTabStops++;
              break;
            case 'tab':
              if (inTabStops === 0) pieces.push('\t');
              break;
            case 'br':
            case 'cr':
              pieces.push('\n');
              break;
          }
        },
        close(name) {
          if (name === 't' || name === 'delText') inText--;
          else if (name === 'tabs') inTabStops--;
          else if (name === 'p') pieces.push('\n');
        },
        text(t) {
          if (inText > 0) pieces.push(t);
        },
      },
      'docx part',
    );
    for (const bytes of inflateEntry(buf, entry, options)) {
      xml.write(bytes);
      if (pieces.length > 0) yield pieces.join('');
      pieces = [];
    }
    xml.close();
    if (pieces.length > 0) yield pieces.join('');
  }
}
