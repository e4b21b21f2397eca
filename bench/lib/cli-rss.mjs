/**
 * Child for the zip benchmark: runs the compiled command line in this process
 * (as the installed `leakwatch` bin does), then prints its exit code and peak
 * RSS (KiB, VmHWM: see peak-rss.mjs) on stderr.
 *
 *   node bench/lib/cli-rss.mjs DIST_DIR ARGS...
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { peakRssKiB } from './peak-rss.mjs';

const [compiled, ...args] = process.argv.slice(2);
const { main } = await import(pathToFileURL(join(compiled, 'cli/main.js')).href);
const code = await main(args);
process.stderr.write(`exit=${code} maxRSS=${peakRssKiB()}\n`);
