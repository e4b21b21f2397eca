import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { buildProgram } from '../../src/cli/main.js';

const ALL = ['keygen', 'enroll', 'import', 'scan', 'inspect', 'crawl', 'run', 'alerts', 'status', 'doctor', 'demo'];
const commands = async (argv: string[]) => (await buildProgram(argv)).commands.map((c) => c.name());

test('a command loads only its own module', async () => {
  assert.deepEqual(await commands(['scan', 'dump.zip', '--json']), ['scan']);
  assert.deepEqual(await commands(['keygen', '--out', 'k']), ['keygen']);
  // crawl and run live in one module.
  assert.deepEqual(await commands(['run']), ['crawl', 'run']);
  assert.deepEqual(await commands(['alerts', 'ack', '3']), ['alerts']);
});

test('help, an unknown command and no command load every command, in help order', async () => {
  for (const argv of [[], ['--help'], ['-h'], ['help', 'scan'], ['nosuch'], ['--version', '--help']]) {
    assert.deepEqual(await commands(argv), ALL, JSON.stringify(argv));
  }
});

test('--version alone loads no command', async () => {
  assert.deepEqual(await commands(['--version']), []);
  assert.deepEqual(await commands(['-V']), []);
});
