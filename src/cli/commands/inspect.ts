/** `leakwatch inspect PATH...`: census of identifier types, never values. */
import type { Command } from 'commander';
import { extract } from '../../extract/extract.js';
import { openInput } from '../../extract/open-input.js';
import { CensusSink, type CensusHit } from '../../scan/census.js';
import { expandPaths } from '../../scan/walk.js';
import { Output } from '../output.js';

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('census of identifier types found in files (type, file, byte offsets; never the values)')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'one JSON object per sighting per line')
    .option('--region <cc>', 'default region for phone numbers', 'FI')
    .option('--config <file>', 'config file (unused; accepted for uniformity)')
    .action(async (paths: string[], opts: { json?: boolean; region: string }) => {
      const counts = new Map<string, number>();
      // A census of a large dump has a line per sighting: written in chunks, waiting for a slow reader.
      const out = new Output();
      for (const file of expandPaths(paths)) {
        const sink = new CensusSink(file, {
          region: opts.region,
          onHit: (h: CensusHit) => {
            const k = `${h.path}${h.entry ? ` > ${h.entry}` : ''}\t${h.type}`;
            counts.set(k, (counts.get(k) ?? 0) + 1);
            if (opts.json) out.write(`${JSON.stringify(h)}\n`);
          },
          onIssue: (i) => process.stderr.write(`leakwatch: ${i.code}: ${[i.ref.source, ...i.ref.entry].join(' > ')}: ${i.message}\n`),
        });
        try {
          await extract(openInput(file), file, sink);
        } finally {
          out.flush();
        }
      }
      if (!opts.json) {
        if (counts.size === 0) out.write('no identifiers found\n');
        for (const [k, n] of [...counts].sort()) {
          const [where, type] = k.split('\t');
          out.write(`${String(n).padStart(8)}  ${type!.padEnd(18)} ${where}\n`);
        }
        out.flush();
      }
    });
}
