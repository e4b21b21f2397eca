/**
 * docs/configuration.md cannot drift from the schema: every key of
 * configSchema, at every depth, has a row in the reference, and every row
 * names a key that exists. A sub-schema used in several places (sinks, key
 * and secret references) is documented once, under the name of the place it
 * is first reached from (`sinks[].url`, `key.file`).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';

type Node = { _zod: { def: { type: string } & Record<string, unknown> } };
const CONTAINERS = new Set(['object', 'union']);

/** Children of a schema node: [key or '' for wrappers, '[]' for array elements, child]. */
function children(node: Node): [string, Node][] {
  const def = node._zod.def;
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, Node>);
    case 'default':
    case 'optional':
    case 'nullable':
    case 'prefault':
    case 'readonly':
      return [['', def.innerType as Node]];
    case 'array':
      return [['[]', def.element as Node]];
    case 'union':
      return (def.options as Node[]).map((o) => ['', o]);
    case 'pipe':
      return [['', def.in as Node]];
    default:
      return [];
  }
}

const join2 = (path: string, seg: string) => (seg === '' ? path : seg === '[]' ? `${path}[]` : path ? `${path}.${seg}` : seg);

/** Every documented path of the schema. */
function schemaPaths(root: Node): Set<string> {
  // Pass 1: which containers are reached from more than one path, and the first such path.
  const reached = new Map<Node, string[]>();
  const visit = (node: Node, path: string) => {
    if (CONTAINERS.has(node._zod.def.type)) {
      const list = reached.get(node) ?? [];
      list.push(path);
      reached.set(node, list);
      if (list.length > 1) return;
    }
    for (const [seg, child] of children(node)) visit(child, join2(path, seg));
  };
  visit(root, '');
  const shared = new Map([...reached].filter(([, paths]) => new Set(paths).size > 1).map(([n, paths]) => [n, paths[0]!.split('.').at(-1)!]));

  // Pass 2: collect key paths, restarting at the alias below a shared container.
  const out = new Set<string>();
  const walk = (node: Node, path: string, inside: ReadonlySet<Node>) => {
    const alias = shared.get(node);
    if (alias !== undefined && !inside.has(node)) {
      inside = new Set([...inside, node]);
      path = alias;
    }
    for (const [seg, child] of children(node)) {
      const p = join2(path, seg);
      if (node._zod.def.type === 'object') out.add(p);
      walk(child, p, inside);
    }
  };
  walk(root, '', new Set());
  return out;
}

/** Paths named in the first cell of the doc's table rows. */
function documentedPaths(markdown: string): Set<string> {
  const rows = markdown.split('\n').filter((l) => /^\| `[a-z_[\].]+` \|/.test(l));
  return new Set(rows.map((l) => /^\| `([^`]+)`/.exec(l)![1]!));
}

const DOC = readFileSync(join(import.meta.dirname, '../../docs/configuration.md'), 'utf8');

test('every configuration key has a row in docs/configuration.md, and every row is a real key', () => {
  const schema = schemaPaths(configSchema as unknown as Node);
  // Sanity: the walk sees the whole tree, including shared sub-schemas.
  for (const p of ['data_dir', 'tor.socks_url', 'orgs[].key', 'key.credential', 'sites[].limits.max_pages', 'metrics.allow_remote', 'sinks[].type']) {
    assert.ok(schema.has(p), `walker found ${p}`);
  }
  const documented = documentedPaths(DOC);
  const missing = [...schema].filter((p) => !documented.has(p));
  const stale = [...documented].filter((p) => !schema.has(p));
  assert.deepEqual(missing, [], 'keys missing from docs/configuration.md');
  assert.deepEqual(stale, [], 'rows in docs/configuration.md for keys the schema does not have');
});

test('the environment overrides the loader applies are documented', () => {
  const loader = readFileSync(join(import.meta.dirname, '../../src/config/load.ts'), 'utf8');
  const vars = new Set([...loader.matchAll(/env\.(LEAKWATCH_[A-Z_]+)/g)].map((m) => m[1]!));
  assert.ok(vars.size >= 3);
  for (const v of vars) assert.match(DOC, new RegExp(`\\| \`${v}\` \\|`), v);
});
