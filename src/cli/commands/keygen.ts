/** `leakwatch keygen --out FILE` */
import type { Command } from 'commander';
import { writeNewKeyFile } from '../../keys/org-key.js';

export function registerKeygen(program: Command): void {
  program
    .command('keygen')
    .description('create a new 256-bit organization key (file mode 0600; never overwrites)')
    .requiredOption('--out <file>', 'where to write the key')
    .option('--config <file>', 'config file (unused; accepted for uniformity)')
    .action((opts: { out: string }) => {
      writeNewKeyFile(opts.out);
      process.stdout.write(`wrote new key to ${opts.out} (mode 0600); keep it apart from the store and back it up\n`);
    });
}
