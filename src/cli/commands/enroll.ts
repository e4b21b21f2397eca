/** `leakwatch enroll`: records and documents into a keyed fingerprint bundle, on the org's premises. */
import type { Command } from 'commander';
import { enroll } from '../../enroll/enroll.js';
import { readMapping } from '../../enroll/mapping.js';
import { LeakwatchError } from '../../errors.js';
import { readKeyFile } from '../../keys/org-key.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerEnroll(program: Command): void {
  program
    .command('enroll')
    .description('turn an organization\'s records and documents into a fingerprint bundle holding no plaintext')
    .requiredOption('--org <id>', 'organization id')
    .requiredOption('--key <file>', 'organization key file (from keygen)')
    .requiredOption('--records <file...>', 'record files: CSV (comma or semicolon), JSON/JSON Lines, XLSX')
    .requiredOption('--mapping <file>', 'mapping YAML: record_id and fields')
    .option('--documents <dir>', 'folder of documents to fingerprint (txt, md, html, docx, pdf)')
    .option('--canaries <file>', 'canary records (same mapping), reported as critical when seen', collect)
    .requiredOption('--out <bundle>', 'bundle file to write')
    .option('--config <file>', 'config file (unused; accepted for uniformity)')
    .action(async (opts: { org: string; key: string; records: string[]; mapping: string; documents?: string; canaries?: string[]; out: string }) => {
      if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(opts.org)) {
        throw new LeakwatchError('LW_USAGE', `--org ${opts.org}: use lowercase letters, digits, - and _`);
      }
      const mapping = readMapping(opts.mapping);
      const key = readKeyFile(opts.key);
      const tty = process.stderr.isTTY;
      const started = Date.now();
      const header = await enroll({
        org: opts.org,
        key,
        mapping,
        recordFiles: opts.records,
        canaryFiles: opts.canaries,
        documentsDir: opts.documents,
        out: opts.out,
        progress: (p) => {
          if (!tty) return;
          const docs = p.documentsTotal ? `, documents ${p.documents}/${p.documentsTotal}` : '';
          process.stderr.write(`\renrolling: records ${p.records}${docs}   `);
        },
      });
      if (tty) process.stderr.write('\n');
      const c = header.counts;
      const invalid = Object.entries(c.invalid_values);
      process.stdout.write(
        [
          `enrolled ${header.org} in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${opts.out}`,
          `  records ${c.records} (canaries ${c.canaries}), identifier fingerprints ${c.identifier_fingerprints}, corroborating ${c.corroborating_fingerprints}`,
          `  documents ${c.documents}, text fingerprints ${c.document_fingerprints} (boilerplate dropped: ${c.boilerplate_fingerprints})`,
          ...(invalid.length ? [`  values that failed validation (skipped): ${invalid.map(([k, v]) => `${k} ${v}`).join(', ')}`] : []),
          `  key check value ${header.kcv}`,
        ].join('\n') + '\n',
      );
    });
}
