/** Child for the zip benchmark: runs the command line in this process, then prints its exit code and peak RSS (KiB) on stderr. */
import { main } from '../../src/cli/main.js';

const code = await main(process.argv.slice(2));
process.stderr.write(`exit=${code} maxRSS=${process.resourceUsage().maxRSS}\n`);
