import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { hasCode } from '../../src/errors.js';
import { loadOrgKey } from '../../src/keys/key-source.js';
import { decodeKey, deriveKeys, encodeKey, generateKey, readKeyFile, writeNewKeyFile } from '../../src/keys/org-key.js';

const dir = () => mkdtempSync(join(tmpdir(), 'lw-key-'));

test('keygen writes a 256-bit key with mode 0600 and refuses to overwrite', () => {
  const p = join(dir(), 'org.key');
  writeNewKeyFile(p);
  assert.equal(statSync(p).mode & 0o777, 0o600);
  const before = readFileSync(p, 'utf8');
  assert.equal(readKeyFile(p).length, 32);
  assert.throws(() => writeNewKeyFile(p), (e) => hasCode(e, 'LW_KEY_EXISTS'));
  assert.equal(readFileSync(p, 'utf8'), before);
});

test('a group- or world-readable key file is refused with a chmod hint', () => {
  const p = join(dir(), 'org.key');
  writeNewKeyFile(p);
  chmodSync(p, 0o644);
  assert.throws(() => readKeyFile(p), (e) => hasCode(e, 'LW_KEY_INVALID') && /chmod 600/.test((e as Error).message));
});

test('malformed key text is rejected without echoing it', () => {
  assert.throws(() => decodeKey('hunter2-secret', 'x.key'), (e) => hasCode(e, 'LW_KEY_INVALID') && !(e as Error).message.includes('hunter2'));
  assert.throws(() => decodeKey('leakwatch-key-v1:AAAA', 'x.key'), (e) => hasCode(e, 'LW_KEY_INVALID'));
});

test('derived sub-keys differ per use and per key; the check value is stable', () => {
  const k = generateKey();
  const a = deriveKeys(k);
  const b = deriveKeys(k);
  const c = deriveKeys(generateKey());
  assert.equal(a.kcv, b.kcv);
  assert.notEqual(a.kcv, c.kcv);
  assert.notDeepEqual(Buffer.from(a.winnow), Buffer.from(a.simhash));
  assert.notDeepEqual(a.identifier, c.identifier);
  assert.equal(a.winnow.length, 16);
});

test('keys load from the environment and from a systemd credential directory', () => {
  const k = generateKey();
  assert.deepEqual(loadOrgKey({ env: 'ORG_KEY' }, { ORG_KEY: encodeKey(k) }), k);
  assert.throws(() => loadOrgKey({ env: 'ORG_KEY' }, {}), (e) => hasCode(e, 'LW_KEY_INVALID'));
  const d = dir();
  writeFileSync(join(d, 'clinic-a.key'), encodeKey(k), { mode: 0o400 });
  assert.deepEqual(loadOrgKey({ credential: 'clinic-a.key' }, { CREDENTIALS_DIRECTORY: d }), k);
  assert.throws(() => loadOrgKey({ credential: 'clinic-a.key' }, {}), /CREDENTIALS_DIRECTORY/);
});
