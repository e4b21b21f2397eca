/** `leakwatch inspect PATH...`: census of identifier types, never values. */
import type { Command } from 'commander';
import { extract } from '../../extract/extract.js';
import { openInput } from '../../extract/open-input.js';
import { CensusSink, type CensusHit } from '../../scan/census.js';
import { expandPaths } from '../../scan/walk.js';

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
      for (const file of expandPaths(paths)) {
        const sink = new CensusSink(file, {
          region: opts.region,
          onHit: (h: CensusHit) => {
            const k = `${h.path}${h.entry ? ` > ${h.entry}` : ''}\t${h.type}`;
            counts.set(k, (counts.get(k) ?? 0) + 1);
            if (opts.json) process.stdout.write(`${JSON.stringify(h)}\n`);
          },
          onIssue: (i) => process.stderr.write(`leakwatch: ${i.code}: ${[i.ref.source, ...i.ref.entry].join(' > ')}: ${i.message}\n`),
        });
        await extract(openInput(file), file, sink);
      }
      if (!opts.json) {
        if (counts.size === 0) process.stdout.write('no identifiers found\n');
        for (const [k, n] of [...counts].sort()) {
          const [where, type] = k.split('\t');
          process.stdout.write(`${String(n).padStart(8)}  ${type!.padEnd(18)} ${where}\n`);
        }
      }
    });
}
