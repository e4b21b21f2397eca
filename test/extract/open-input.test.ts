import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { extract } from '../../src/extract/extract.js';
import type { DocumentSink } from '../../src/extract/types.js';
import { openInput, SMALL_FILE_BYTES } from '../../src/extract/open-input.js';

const dir = mkdtempSync(join(tmpdir(), 'lw-scan-files-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function chunks(input: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of input) out.push(Buffer.from(c));
  return out;
}

/** Everything an extraction hands its sink, in order. */
async function extracted(input: AsyncIterable<Uint8Array>, name: string): Promise<string> {
  const seen: unknown[] = [];
  const sink: DocumentSink = {
    begin: (ref) => seen.push(['begin', ref]),
    part: (part) => seen.push(['part', part]),
    end: (ref, meta) => seen.push(['end', ref, meta]),
    issue: (issue) => seen.push(['issue', issue]),
  };
  await extract(input, name, sink);
  return JSON.stringify(seen);
}

describe('scan input', () => {
  it('reads a small file at once and a large one in chunks, with the same bytes', async () => {
    const small = join(dir, 'small.csv');
    const smallBytes = Buffer.from('hetu;nimi\n010101-123N;Virtanen Matti\n', 'utf8');
    writeFileSync(small, smallBytes);
    const one = await chunks(openInput(small));
    assert.equal(one.length, 1);
    assert.deepEqual(one[0], smallBytes);

    const large = join(dir, 'large.txt');
    const largeBytes = Buffer.alloc(SMALL_FILE_BYTES + 10, 'abc ');
    writeFileSync(large, largeBytes);
    const many = await chunks(openInput(large));
    assert.ok(many.length > 1, 'read in pieces');
    assert.ok(many.every((c) => c.length <= 64 * 1024), 'pieces of at most 64 KiB');
    assert.deepEqual(Buffer.concat(many), largeBytes);

    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    assert.deepEqual(await chunks(openInput(empty)), []);
  });

  it('lets the event loop run while a large file is read, and closes the file however reading stops', async () => {
    const large = join(dir, 'turns.txt');
    writeFileSync(large, Buffer.alloc(4 * SMALL_FILE_BYTES + 5, 'x'));
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const before = fds();
    // Chunks come through microtasks; only a turn of the event loop runs this.
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    let bytes = 0;
    for await (const c of openInput(large)) bytes += c.length;
    ticking = false;
    assert.equal(bytes, 4 * SMALL_FILE_BYTES + 5);
    assert.ok(turns >= 3, `the event loop turned ${turns} times during a 4 MiB read`);
    assert.equal(fds(), before, 'closed after the last chunk');

    // Stopping after the first chunk closes it too.
    for await (const c of openInput(large)) {
      assert.ok(c.length > 0);
      break;
    }
    assert.equal(fds(), before, 'closed when the consumer stops early');
    // Asked for nothing, it never opens the file.
    openInput(large);
    assert.equal(fds(), before, 'not opened before the first chunk is asked for');
  });

  it('stops a large file\'s extraction soon after an abort from a timer', async () => {
    const large = join(dir, 'abort.txt');
    const size = 32 * SMALL_FILE_BYTES;
    writeFileSync(large, Buffer.alloc(size, 'lorem ipsum dolor\n'));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1);
    let chars = 0;
    const sink: DocumentSink = {
      begin: () => undefined,
      part: (part) => {
        if (part.kind === 'text') chars += part.text.length;
      },
      end: () => undefined,
      issue: () => undefined,
    };
    await assert.rejects(extract(openInput(large), large, sink, { signal: controller.signal }), { code: 'LW_ABORTED' });
    assert.ok(chars < size / 2, `stopped after ${chars} of ${size} characters`);
  });

  it('gives the extractors exactly what the stream gave them', async () => {
    const file = join(dir, 'rows.csv');
    writeFileSync(file, 'name;email\nMatti Virtanen;matti@example.org\nLiisa Laine;liisa@example.net\n');
    assert.equal(await extracted(openInput(file), file), await extracted(createReadStream(file), file));
  });

  it('does not block on a named pipe without a writer, and streams what is written to it', { timeout: 20_000 }, async () => {
    const fifo = join(dir, 'pipe');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    // First in a child with a deadline: a blocking open would hang the thread, and this test with it.
    const module = new URL('../../src/extract/open-input.ts', import.meta.url).href;
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `const { openInput } = await import(${JSON.stringify(module)}); openInput(process.argv[1]); console.log('returned'); process.exit(0);`, fifo],
      { encoding: 'utf8', timeout: 15_000 },
    );
    assert.equal(child.stdout.trim(), 'returned', child.stderr);
    const input = openInput(fifo);
    const writer = spawn('sh', ['-c', 'printf hello > "$0"', fifo], { stdio: 'ignore' });
    const exited = new Promise((r) => writer.once('exit', r));
    assert.equal(Buffer.concat(await chunks(input)).toString(), 'hello');
    assert.equal(await exited, 0);
  });

  it('reports a missing file or a folder as the stream did', async () => {
    await assert.rejects(chunks(openInput(join(dir, 'missing.txt'))), { code: 'ENOENT' });
    const sub = join(dir, 'folder');
    mkdirSync(sub);
    await assert.rejects(chunks(openInput(sub)), { code: 'EISDIR' });
  });
});
