import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { crc32, inflateRawSync, gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { finnishDate, makePatients, reverseName } from '../src/demo/synthetic-clinic.js';
import { BOMB_SIZE, NESTED_DEPTH, NESTED_FANOUT } from '../src/sim/leak-site/bombs.js';
import { BROKEN_DEPTH, CLEARNET_TARGETS, MANY_LINKS } from '../src/sim/leak-site/hostile.js';
import { renderSamplePages, SAMPLE_DIR } from '../src/sim/leak-site/save-sample-pages.js';
import { startLeakSite, type LeakSite, type LeakSiteOptions } from '../src/sim/leak-site/server.js';
import { HUGE_LINE_LENGTH, SLOW_DRIP_INTERVAL_MS, SLOW_DRIP_LENGTH } from '../src/sim/leak-site/streams.js';
import { zeroDeflate, zeroDeflateSize, zerosCrc32 } from '../src/sim/leak-site/zero-deflate.js';

interface Got {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Raw GET (no redirect following, no transparent decompression), reading at most `limit` body bytes. */
function get(site: LeakSite, path: string, headers: Record<string, string> = {}, limit = 64 * 1024 * 1024): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(site.url + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        n += c.length;
        if (n >= limit) {
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const text = async (site: LeakSite, path: string) => (await get(site, path)).body.toString('utf8');
const hrefs = (html: string, cls: string) => [...html.matchAll(new RegExp(`class="${cls}" href="([^"]+)"`, 'g'))].map((m) => m[1]!);

async function withSite(opts: LeakSiteOptions, fn: (site: LeakSite) => Promise<void>): Promise<void> {
  const site = await startLeakSite(opts);
  try {
    await fn(site);
  } finally {
    await site.close();
  }
}

test('pages and files are identical for the same seed and differ for another', async () => {
  const render = async (seed: number) => {
    const site = await startLeakSite({ shape: 'ransomware-blog', seed });
    try {
      const pages = [await text(site, '/'), await text(site, '/page/2')];
      for (const p of site.manifest.posts) pages.push(await text(site, p.path));
      return { pages, manifest: site.manifest };
    } finally {
      await site.close();
    }
  };
  const a = await render(5);
  const b = await render(5);
  const c = await render(6);
  assert.deepEqual(a.pages, b.pages);
  assert.deepEqual(a.manifest, b.manifest);
  assert.notDeepEqual(a.pages, c.pages);
  assert.notDeepEqual(a.manifest.posts.flatMap((p) => p.attachments.map((x) => x.sha256)), c.manifest.posts.flatMap((p) => p.attachments.map((x) => x.sha256)));
});

// Markup only (tags and classes): the synthetic values inside may drift with the generators.
const skeleton = (html: string) => [...html.matchAll(/<([a-z0-9]+)(?:[^>]*?\sclass="([^"]*)")?[^>]*>/g)].map((m) => `${m[1]}.${m[2] ?? ''}`);

test('saved sample pages have the markup the simulator renders', async () => {
  for (const [file, html] of await renderSamplePages()) {
    const saved = await readFile(SAMPLE_DIR + file, 'utf8');
    assert.ok(saved.length < 8 * 1024, `${file} stays small`);
    assert.deepEqual(skeleton(saved), skeleton(html), `${file} is stale: run save-sample-pages.ts`);
  }
});

test('blog listing paginates over every post, with assets and a clearnet footer link', async () => {
  await withSite({ shape: 'ransomware-blog', seed: 3, posts: 7, perPage: 3 }, async (site) => {
    const p1 = await text(site, '/');
    const p2 = await text(site, '/page/2');
    const p3 = await text(site, '/page/3');
    assert.equal(hrefs(p1, 'title').length, 3);
    assert.deepEqual(hrefs(p1, 'next'), ['/page/2']);
    assert.deepEqual(hrefs(p2, 'next'), ['/page/3']);
    assert.deepEqual(hrefs(p3, 'next'), []);
    assert.deepEqual(hrefs(p3, 'prev'), ['/page/2']);
    assert.equal((await get(site, '/page/4')).status, 404);
    const listed = [p1, p2, p3].flatMap((p) => hrefs(p, 'title'));
    assert.deepEqual(new Set(listed), new Set(site.manifest.posts.map((p) => p.path)));
    // Newest first; the newest post is the victim's "coming soon" card.
    assert.equal(listed[0], site.manifest.posts.at(-1)!.path);
    assert.match(p1, /<div class="card">\s*<a class="title" href="[^"]+">Lakeside Therapy Centre<\/a>\s*<time datetime="[^"]+">[^<]+<\/time>\s*<div class="status countdown"/);
    assert.match(p1, /href="\/static\/style\.css"/);
    assert.match(p1, /src="\/static\/logo\.png"/);
    assert.match(p1, /<a class="external" href="http:\/\/example\.net\/status">/);
    assert.match((await get(site, '/static/style.css')).headers['content-type'] ?? '', /^text\/css/);
    assert.equal((await get(site, '/static/logo.png')).headers['content-type'], 'image/png');
  });
});

test('blog attachments: reformatted semicolon CSV, valid DOCX, PDF and zip, a PNG; hashes match the manifest', async () => {
  const patients = makePatients(24, 9);
  await withSite({ shape: 'ransomware-blog', seed: 9, patients }, async (site) => {
    const kinds = new Set<string>();
    for (const post of site.manifest.posts) {
      const page = await text(site, post.path);
      assert.deepEqual(hrefs(page, 'download'), post.attachments.map((a) => a.path));
      for (const a of post.attachments) {
        const res = await get(site, a.path);
        assert.equal(res.status, 200);
        assert.equal(res.headers['content-length'], String(res.body.length));
        assert.equal(createHash('sha256').update(res.body).digest('hex'), a.sha256);
        kinds.add(a.kind);
        if (a.kind === 'csv') {
          const csv = res.body.toString('utf8');
          assert.match(csv, /^patient_id;hetu;full_name;/);
          const p = patients.find((x) => csv.includes(`${x.patient_id};`))!;
          assert.ok(csv.includes(`${p.patient_id};${p.hetu.toLowerCase()};"${reverseName(p.full_name)}";`));
          assert.ok(csv.includes(`;${finnishDate(p.birth_date)};`));
        }
        if (a.kind === 'docx') assert.match(Buffer.from(unzipSync(res.body)['word/document.xml']!).toString(), /Lakeside Therapy Centre - session note/);
        if (a.kind === 'zip') assert.ok(Object.keys(unzipSync(res.body)).includes('export/patients.csv'));
        if (a.kind === 'pdf') {
          const pdf = res.body.toString('latin1');
          const xref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(pdf)![1]);
          assert.equal(pdf.slice(xref, xref + 4), 'xref');
          const obj1 = Number(/0000000000 65535 f \n(\d{10}) 00000 n/.exec(pdf)![1]);
          assert.equal(pdf.slice(obj1, obj1 + 7), '1 0 obj');
        }
        if (a.kind === 'png') assert.deepEqual([...res.body.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
      }
    }
    assert.deepEqual(kinds, new Set(['csv', 'docx', 'pdf', 'zip', 'png']));
    const leaked = new Set(site.manifest.leakedPatientIds);
    assert.ok(leaked.size > 0 && leaked.size < patients.length, 'some records are held back for later posts');
  });
});

test('forum: paged leak thread with quoted rows and attachments; paste: list, HTML view and raw text', async () => {
  await withSite({ shape: 'forum', seed: 4, posts: 4, perPage: 3 }, async (site) => {
    const board = await text(site, '/forum/');
    const threads = hrefs(board, 'thread-link');
    assert.equal(threads.length, 3);
    assert.deepEqual(hrefs(board, 'next'), ['/forum/?page=2']);
    const pages = site.manifest.posts.map((p) => p.path);
    assert.equal(threads[0], pages[0]);
    assert.deepEqual(pages.slice(1), [2, 3, 4].map((n) => `${pages[0]}?page=${n}`));
    const first = await text(site, pages[0]!);
    assert.ok((first.match(/<div class="post" /g) ?? []).length >= 2);
    assert.match(first, /<div class="author">[^<]+<\/div>/);
    const quoted = /<blockquote class="quote">([^;]+);([^;]+);/.exec(first)!;
    assert.ok(site.manifest.leakedPatientIds.includes(quoted[1]!));
    assert.deepEqual(hrefs(first, 'attachment'), site.manifest.posts[0]!.attachments.map((a) => a.path));
    assert.deepEqual(hrefs(first, 'next'), [pages[1]]);
    assert.deepEqual(hrefs(await text(site, pages[3]!), 'next'), []);
    assert.equal((await get(site, `${pages[0]}?page=5`)).status, 404);
  });
  await withSite({ shape: 'paste', seed: 4, posts: 5, perPage: 2 }, async (site) => {
    const list = await text(site, '/');
    assert.equal(hrefs(list, 'paste').length, 2);
    assert.deepEqual(hrefs(list, 'next'), ['/?page=2']);
    assert.equal(hrefs(await text(site, '/?page=3'), 'paste').length, 1);
    const dump = site.manifest.posts[0]!;
    const view = await text(site, dump.path);
    assert.deepEqual(hrefs(view, 'raw'), [dump.attachments[0]!.path]);
    const raw = await get(site, dump.attachments[0]!.path);
    assert.match(raw.headers['content-type'] ?? '', /^text\/plain/);
    assert.ok(raw.body.toString().includes(`${site.manifest.leakedPatientIds[0]};`));
  });
});

test('ETag, Last-Modified and gzip: conditional requests answer 304 and are logged', async () => {
  await withSite({ shape: 'ransomware-blog', seed: 2 }, async (site) => {
    const plain = await get(site, '/');
    const etag = String(plain.headers.etag);
    const lastModified = String(plain.headers['last-modified']);
    assert.match(etag, /^"[0-9a-f]+"$/);
    assert.ok(Date.parse(lastModified) > 0);
    assert.equal(plain.headers['content-encoding'], undefined);

    const zipped = await get(site, '/', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.notEqual(zipped.headers.etag, etag);
    assert.deepEqual(gunzipSync(zipped.body), plain.body);
    assert.ok(zipped.body.length < plain.body.length);

    const byTag = await get(site, '/', { 'if-none-match': etag });
    assert.equal(byTag.status, 304);
    assert.equal(byTag.body.length, 0);
    assert.equal((await get(site, '/', { 'if-modified-since': lastModified })).status, 304);
    assert.equal((await get(site, '/', { 'if-modified-since': new Date(Date.parse(lastModified) - 1000).toUTCString() })).status, 200);
    assert.equal((await get(site, '/', { 'if-none-match': '"other"', 'if-modified-since': lastModified })).status, 200);

    const file = site.manifest.posts[0]!.attachments[0]!;
    const f = await get(site, file.path);
    assert.equal((await get(site, file.path, { 'if-none-match': String(f.headers.etag) })).status, 304);
    assert.equal((await get(site, file.path, { 'if-modified-since': String(f.headers['last-modified']) })).status, 304);

    site.addPost();
    const after = await get(site, '/', { 'if-none-match': etag, 'if-modified-since': lastModified });
    assert.equal(after.status, 200);
    assert.ok(Date.parse(String(after.headers['last-modified'])) > Date.parse(lastModified));

    const logged = site.requests.filter((r) => r.path === '/');
    assert.deepEqual(logged.map((r) => r.status), [200, 200, 304, 304, 200, 200, 200]);
    assert.equal(logged[2]!.headers['if-none-match'], etag);
    assert.equal(logged[2]!.bytes, 0);
    assert.equal(logged[0]!.bytes, plain.body.length);
    assert.equal(logged[1]!.bytes, zipped.body.length);
  });
});

test('addPost, removePost and updatePost change what the site publishes', async () => {
  await withSite({ shape: 'ransomware-blog', seed: 8 }, async (site) => {
    const before = site.manifest;
    site.addPost();
    const added = site.manifest;
    assert.equal(added.posts.length, before.posts.length + 1);
    const newPost = added.posts.at(-1)!;
    assert.equal(hrefs(await text(site, '/'), 'title')[0], newPost.path);
    const newIds = added.leakedPatientIds.filter((id) => !before.leakedPatientIds.includes(id));
    assert.ok(newIds.length > 0, 'a new post leaks records not seen before');
    assert.ok((await get(site, newPost.attachments[0]!.path)).body.toString().includes(`${newIds[0]};`));

    const gone = added.posts[0]!;
    site.removePost(0);
    assert.equal((await get(site, gone.path)).status, 404);
    assert.equal((await get(site, gone.attachments[0]!.path)).status, 404);
    const listed = [await text(site, '/'), await text(site, '/page/2'), await text(site, '/page/3')].flatMap((p) => hrefs(p, 'title'));
    assert.ok(!listed.includes(gone.path));
    assert.equal(listed.length, before.posts.length);

    const soonIndex = site.manifest.posts.findIndex((p) => p.attachments.length === 0 && p.title === 'Lakeside Therapy Centre');
    const soon = site.manifest.posts[soonIndex]!;
    const page = await get(site, soon.path);
    assert.match(page.body.toString(), /status countdown/);
    site.updatePost(soonIndex);
    const updated = site.manifest.posts[soonIndex]!;
    assert.equal(updated.path, soon.path);
    assert.equal(updated.attachments.length, 1);
    const page2 = await get(site, soon.path, { 'if-none-match': String(page.headers.etag) });
    assert.equal(page2.status, 200);
    assert.match(page2.body.toString(), /status published[\s\S]*UPDATE 1/);
    assert.deepEqual(hrefs(page2.body.toString(), 'download'), [updated.attachments[0]!.path]);
    assert.ok(Date.parse(String(page2.headers['last-modified'])) > Date.parse(String(page.headers['last-modified'])));
    assert.equal((await get(site, updated.attachments[0]!.path)).status, 200);
    assert.throws(() => site.removePost(99), RangeError);
  });
});

test('zip bomb is about 1 MB compressed and declares over 1 GiB, built from a valid DEFLATE stream', async () => {
  const small = zeroDeflate(1000);
  const inflated = inflateRawSync(small);
  assert.equal(inflated.length, zeroDeflateSize(1000));
  assert.ok(inflated.every((b) => b === 0));
  assert.equal(crc32(inflated) >>> 0, zerosCrc32(inflated.length));

  await withSite({ shape: 'ransomware-blog', seed: 1 }, async (site) => {
    assert.equal((await get(site, '/files/x/full_database.zip')).status, 404, 'off until switched on');
    site.setHostile({ zipBomb: true, gzipBomb: true, nestedZipBomb: true });
    const paths = site.manifest.hostile.map((h) => h.path);
    assert.deepEqual(hrefs(await text(site, '/post/x'), 'download'), paths);
    const zip = await get(site, '/files/x/full_database.zip');
    const v = new DataView(zip.body.buffer, zip.body.byteOffset, zip.body.byteLength);
    assert.equal(v.getUint32(0, true), 0x04034b50);
    assert.equal(v.getUint16(8, true), 8, 'deflate');
    const compressed = v.getUint32(18, true);
    const size = v.getUint32(22, true);
    assert.ok(compressed > 900_000 && compressed < 1_200_000, `compressed ${compressed}`);
    assert.ok(size >= 1_000_000_000, `uncompressed ${size}`);
    assert.equal(size, BOMB_SIZE);
    const eocd = zip.body.length - 22;
    assert.equal(v.getUint32(eocd, true), 0x06054b50);
    const cd = v.getUint32(eocd + 16, true);
    assert.equal(v.getUint32(cd, true), 0x02014b50);
    assert.equal(v.getUint32(cd + 20, true), compressed);
    assert.equal(v.getUint32(cd + 24, true), size);

    const gz = await get(site, '/files/x/records_export.txt', { 'accept-encoding': 'identity' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual([...gz.body.subarray(0, 3)], [0x1f, 0x8b, 8]);
    assert.ok(gz.body.length < 1_200_000);
    assert.equal(gz.body.readUInt32LE(gz.body.length - 4), BOMB_SIZE % 2 ** 32);

    // Walk the nested bomb layer by layer without inflating the 10 MB payload at the bottom.
    let layer: Uint8Array = (await get(site, '/files/x/archive_nested.zip')).body;
    assert.ok(layer.length < 64 * 1024);
    let depth = 1;
    for (;;) {
      const names: string[] = [];
      const entries = unzipSync(layer, { filter: (f) => (names.push(f.name), f.name.endsWith('.zip')) });
      if (!names[0]!.endsWith('.zip')) break;
      assert.equal(names.length, NESTED_FANOUT);
      layer = entries[names[0]!]!;
      depth++;
    }
    assert.equal(depth, NESTED_DEPTH);
  });
});

test('hostile: clearnet redirects, redirect loop, endless pagination', async () => {
  await withSite({ shape: 'ransomware-blog', seed: 1, hostile: { clearnetRedirect: true, redirectLoop: true, endlessPagination: true } }, async (site) => {
    const listed = hrefs(await text(site, '/'), 'title');
    for (const path of ['/post/x-redirect-ip', '/post/x-redirect-host', '/post/x-loop-a']) assert.ok(listed.includes(path));
    const locations = [];
    for (const path of ['/post/x-redirect-ip', '/post/x-redirect-host']) {
      const r = await get(site, path);
      assert.equal(r.status, 302);
      locations.push(r.headers.location);
    }
    assert.deepEqual(locations, [...CLEARNET_TARGETS]);
    assert.equal((await get(site, '/post/x-loop-a')).headers.location, '/post/x-loop-b');
    assert.equal((await get(site, '/post/x-loop-b')).headers.location, '/post/x-loop-a');

    const seen = new Set<string>();
    let path = '/page/2';
    for (let i = 0; i < 6; i++) {
      const page = await get(site, path);
      assert.equal(page.status, 200);
      const html = page.body.toString();
      for (const t of hrefs(html, 'title')) {
        assert.ok(!seen.has(t), 'every generated page lists new entries');
        seen.add(t);
      }
      const next = hrefs(html, 'next');
      assert.equal(next.length, 1);
      assert.equal(next[0], `/page/${i + 3}`);
      path = next[0]!;
    }
    assert.equal((await get(site, '/post/t5-0')).status, 200);
  });
});

test('hostile: slow drip, endless chunked and huge single-line bodies', async () => {
  await withSite({ shape: 'forum', seed: 1, hostile: { slowDrip: true, endlessChunked: true, hugeLine: true } }, async (site) => {
    const thread = await text(site, '/thread/x');
    assert.deepEqual(hrefs(thread, 'attachment'), site.manifest.hostile.map((h) => h.path));

    const times: number[] = [];
    const t0 = Date.now();
    await new Promise<void>((resolve, reject) => {
      request(`${site.url}/attach/x/billing_export.csv`, (res) => {
        assert.equal(res.headers['content-length'], String(SLOW_DRIP_LENGTH));
        res.on('data', (c: Buffer) => {
          for (let i = 0; i < c.length; i++) times.push(Date.now() - t0);
          if (times.length >= 3) {
            res.destroy();
            resolve();
          }
        });
      })
        .on('error', reject)
        .end();
    });
    assert.ok(times[2]! - times[0]! >= 2 * SLOW_DRIP_INTERVAL_MS - 100, `3 bytes took ${times[2]! - times[0]!} ms`);

    const endless = await get(site, '/attach/x/patients_stream.csv', {}, 8 * 1024 * 1024);
    assert.equal(endless.headers['transfer-encoding'], 'chunked');
    assert.equal(endless.headers['content-length'], undefined);
    assert.ok(endless.body.length >= 8 * 1024 * 1024);

    const huge = await get(site, '/attach/x/oneline_dump.txt', {}, 4 * 1024 * 1024);
    assert.equal(huge.headers['content-length'], String(HUGE_LINE_LENGTH));
    assert.ok(huge.body.length >= 4 * 1024 * 1024);
    assert.ok(!huge.body.includes(0x0a));
  });
});

test('hostile: broken HTML, 100k links, wrong content types, corrupt documents', async () => {
  await withSite({ shape: 'ransomware-blog', seed: 1, hostile: { brokenHtml: true, manyLinks: true, wrongContentTypes: true, corruptDocs: true } }, async (site) => {
    const broken = (await get(site, '/post/x-broken')).body;
    assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(broken));
    assert.ok(broken.toString('latin1').split('<div>').length - 1 >= BROKEN_DEPTH);
    assert.equal(BROKEN_DEPTH, 100_000);
    assert.equal(hrefs(broken.toString('latin1'), 'download').length, 2);

    const links = (await get(site, '/post/x-links')).body.toString();
    assert.equal(hrefs(links, 'download').length, MANY_LINKS);

    const files = site.manifest.posts.flatMap((p) => p.attachments);
    const csv = files.find((a) => a.kind === 'csv')!;
    const zip = files.find((a) => a.kind === 'zip')!;
    assert.equal((await get(site, csv.path)).headers['content-type'], 'image/png');
    assert.match((await get(site, zip.path)).headers['content-type'] ?? '', /^text\/html/);

    const pdf = (await get(site, '/files/x/session_notes_scan.pdf')).body.toString('latin1');
    assert.match(pdf, /^%PDF-1\.4/);
    assert.ok(!pdf.includes('%%EOF') && !pdf.includes('xref'));
    const docx = (await get(site, '/files/x/session_notes_final.docx')).body;
    assert.ok(Object.keys(unzipSync(docx, { filter: (f) => f.name !== 'word/document.xml' })).includes('_rels/.rels'));
    assert.throws(() => unzipSync(docx));
  });
});

test('hostile: seized banner, empty listing, down then up', async () => {
  await withSite({ shape: 'paste', seed: 1 }, async (site) => {
    const post = site.manifest.posts[0]!;
    site.setHostile({ seizedBanner: true });
    for (const path of ['/', post.path, post.attachments[0]!.path]) assert.match(await text(site, path), /This hidden site has been seized/);

    site.setHostile({ empty: true });
    const empty = await get(site, '/');
    assert.equal(empty.status, 200);
    assert.deepEqual(hrefs(empty.body.toString(), 'paste'), []);

    site.setHostile({ down: true });
    for (const path of ['/', post.path, '/static/style.css']) assert.equal((await get(site, path)).status, 503);
    site.setHostile({});
    assert.equal((await get(site, '/')).status, 200);
    assert.equal(hrefs(await text(site, '/'), 'paste').length, 3);
    assert.deepEqual(site.requests.slice(-5).map((r) => r.status), [503, 503, 503, 200, 200]);
  });
});
