/**
 * Organization keys: a 256-bit secret per organization, kept apart from the
 * store. Every persisted fingerprint is derived from it; without it, nothing in
 * the store or a bundle can be brute-forced back into identifiers.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { LeakwatchError } from '../errors.js';

const KEY_BYTES = 32;
const KEY_PREFIX = 'leakwatch-key-v1:';

/** Sub-keys for each use, so that one fingerprint family never reveals another. */
export interface DerivedKeys {
  /** SipHash-2-4 key (16 bytes) for identifier fingerprints. */
  readonly identifier: Uint8Array;
  /** SipHash-2-4 key (16 bytes) for winnowed text fingerprints. */
  readonly winnow: Uint8Array;
  /** SipHash-2-4 key (16 bytes) for simhash shingle features. */
  readonly simhash: Uint8Array;
  /** Key check value: proves a key matches a bundle without revealing it. */
  readonly kcv: string;
}

/** Generates a new random organization key. */
export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Text form written to key files: a prefix plus base64url of the 32 bytes. */
export function encodeKey(key: Buffer): string {
  return `${KEY_PREFIX}${key.toString('base64url')}\n`;
}

/** Parses the text form of a key; `where` names the file or variable in errors. */
export function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  if (!trimmed.startsWith(KEY_PREFIX)) {
    throw new LeakwatchError('LW_KEY_INVALID', `${where}: not a leakwatch key (expected a file written by 'leakwatch keygen')`);
  }
  const key = Buffer.from(trimmed.slice(KEY_PREFIX.length), 'base64url');
  if (key.length !== KEY_BYTES) {
    throw new LeakwatchError('LW_KEY_INVALID', `${where}: key must be ${KEY_BYTES} bytes, found ${key.length}`);
  }
  return key;
}

/** Writes a new key file with mode 0600; refuses to overwrite an existing file. */
export function writeNewKeyFile(path: string, key: Buffer = generateKey()): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new LeakwatchError('LW_KEY_EXISTS', `${path}: already exists; refusing to overwrite a key`);
    throw new LeakwatchError('LW_FILE_UNREADABLE', `${path}: cannot create key file (${code ?? 'error'})`, { cause: err });
  }
  try {
    writeSync(fd, encodeKey(key));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a key file. Refuses files that group or others can read, because a key
 * that leaks makes every stored fingerprint brute-forceable.
 */
export function readKeyFile(path: string, options: { allowLooseMode?: boolean } = {}): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LeakwatchError('LW_KEY_INVALID', `${path}: cannot read key file (${code ?? 'error'})`, { cause: err });
  }
  try {
    const mode = fstatSync(fd).mode & 0o777;
    if (!options.allowLooseMode && (mode & 0o077) !== 0) {
      throw new LeakwatchError(
        'LW_KEY_INVALID',
        `${path}: key file mode is ${mode.toString(8).padStart(4, '0')}; run 'chmod 600 ${path}'`,
      );
    }
    return decodeKey(readFileSync(fd, 'utf8'), path);
  } finally {
    closeSync(fd);
  }
}

function derive(key: Buffer, label: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `leakwatch/v1/${label}`, length));
}

/** Derives the per-use sub-keys and the key check value from an organization key. */
export function deriveKeys(key: Buffer): DerivedKeys {
  if (key.length !== KEY_BYTES) throw new LeakwatchError('LW_KEY_INVALID', `key must be ${KEY_BYTES} bytes`);
  const kcv = createHmac('sha256', key).update('leakwatch/v1/key-check').digest('hex').slice(0, 16);
  return Object.freeze({
    identifier: new Uint8Array(derive(key, 'identifier', 16)),
    winnow: new Uint8Array(derive(key, 'winnow', 16)),
    simhash: new Uint8Array(derive(key, 'simhash', 16)),
    kcv,
  });
}
