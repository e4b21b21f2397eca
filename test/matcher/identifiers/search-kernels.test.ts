import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { email } from '../../../src/matcher/identifiers/email.js';
import { fiHetu } from '../../../src/matcher/identifiers/fi-hetu.js';
import { globalRegExp, scanMatches } from '../../../src/matcher/pattern-scan.js';

/** Text with both types, guards outside ASCII, and an '@' the e-mail loop leaves undecided. */
const SAMPLE = 'x\t131052-308T\tmatti.v@example.org\té010594Y9021\tpäivi@example.fi\t010516B902W_\ta@b.cd\n\u0000'.repeat(50);

function matches(find: NonNullable<typeof fiHetu.find>): [number, number][] {
  const out: [number, number][] = [];
  find(SAMPLE, 0, SAMPLE.length, (s, e) => out.push([s, e]));
  return out;
}

test('without WebAssembly (node --jitless) the fi_hetu and e-mail searches fall back to JavaScript with the same matches', () => {
  const modules = {
    hetu: new URL('../../../src/matcher/identifiers/fi-hetu.ts', import.meta.url).href,
    email: new URL('../../../src/matcher/identifiers/email.ts', import.meta.url).href,
    scan: new URL('../../../src/matcher/pattern-scan.ts', import.meta.url).href,
  };
  const script = `
    import { fiHetu } from ${JSON.stringify(modules.hetu)};
    import { email } from ${JSON.stringify(modules.email)};
    import { globalRegExp, scanMatches } from ${JSON.stringify(modules.scan)};
    const text = ${JSON.stringify(SAMPLE)};
    const run = (type) => { const out = []; scanMatches(globalRegExp(type.pattern), type, text, (s, e) => out.push([s, e])); return out; };
    console.log(JSON.stringify({ wasm: typeof WebAssembly, anchor: email.anchor ?? null, hetu: run(fiHetu), email: run(email) }));`;
  const child = spawnSync(process.execPath, ['--jitless', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout) as { wasm: string; anchor: unknown; hetu: [number, number][]; email: [number, number][] };
  assert.equal(result.wasm, 'undefined');
  // Without the loop, e-mail is searched around each '@' again.
  assert.deepEqual(result.anchor, { literal: '@', before: 65, after: 576 });
  assert.deepEqual(result.hetu, matches(fiHetu.find!));
  assert.deepEqual(result.email, matches(email.find!));
  const regex = (type: typeof fiHetu): [number, number][] => {
    const out: [number, number][] = [];
    scanMatches(globalRegExp(type.pattern!), {}, SAMPLE, (s, e) => out.push([s, e]));
    return out;
  };
  assert.deepEqual(result.hetu, regex(fiHetu));
  assert.deepEqual(result.email, regex(email));
  assert.equal(result.hetu.length, 50);
  assert.equal(result.email.length, 150);
});
