/**
 * Child-process check for test/proof/fuzz.test.ts: a PDF whose page tree is
 * corrupt the way one flipped byte of a deflated zip entry made it (found by
 * bench/fuzz.bench.ts) makes pdf.js leave an internal promise rejected. The
 * process must survive it: prints "survived" and exits 0.
 */
import { extract } from '../../src/extract/extract.js';
import { makePdf } from '../fixtures/make-fixtures.js';

const good = Buffer.from(makePdf(['Session note for P-1', 'Page two'])).toString('latin1');
const bad = Buffer.from(good.replaceAll('612 792]', '612no[2]').replaceAll('12 Tf 72 720', '12nTf 72no20'), 'latin1');
const codes: string[] = [];
await extract((async function* () {
  yield bad;
})(), 'corrupt.pdf', { begin() {}, part() {}, end() {}, issue: (i) => codes.push(i.code) });
// pdf.js rejects its stray promise a few ticks after extract() returned.
await new Promise((r) => setTimeout(r, 500));
process.stdout.write(`survived ${codes.join(' ')}\n`);
