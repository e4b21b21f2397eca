/** Child process for the crash test: imports alternating large bundles forever. */
import { encodeBundle } from '../../src/bundle/format.js';
import { Store } from '../../src/store/store.js';
import { syntheticBundle } from './bundles.js';

const store = Store.open(process.argv[2]!);
const bundles = [1, 2].map((seed) => {
  const b = syntheticBundle('clinic-a', 200_000, seed);
  return { header: b.header, bytes: encodeBundle(b) };
});
for (let i = 0; ; i++) {
  const b = bundles[i % 2]!;
  store.importBundle(b.header, b.bytes);
  process.stdout.write('imported\n');
}
