/**
 * Renders one representative page of each site shape with a fixed seed, for
 * site-profile tests. Regenerate after changing the simulator:
 *   npx tsx test/support/leak-site/save-sample-pages.ts
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startLeakSite } from './server.js';

/** Seed the saved sample pages are generated with. */
export const SAMPLE_SEED = 20_261_001;

/** File name in test/fixtures/pages -> page of which shape. */
export const SAMPLE_PAGES = {
  'ransomware-blog-listing.html': { shape: 'ransomware-blog', pick: () => '/' },
  // The session-notes post: a DOCX and a PDF download.
  'ransomware-blog-post.html': { shape: 'ransomware-blog', pick: (posts: string[]) => posts[2]! },
  // First page of the leak thread: quoted rows, a CSV attachment and a next link.
  'forum-thread.html': { shape: 'forum', pick: (posts: string[]) => posts[0]! },
  'paste-list.html': { shape: 'paste', pick: () => '/' },
} as const;

/** The current rendering of every sample page (identity encoding). */
export async function renderSamplePages(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [file, spec] of Object.entries(SAMPLE_PAGES)) {
    const site = await startLeakSite({ shape: spec.shape, seed: SAMPLE_SEED });
    try {
      const path = spec.pick(site.manifest.posts.map((p) => p.path));
      const res = await fetch(site.url + path, { headers: { 'accept-encoding': 'identity' } });
      out.set(file, await res.text());
    } finally {
      await site.close();
    }
  }
  return out;
}

/** Directory the sample pages live in. */
export const SAMPLE_DIR = fileURLToPath(new URL('../../../test/fixtures/pages/', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [file, html] of await renderSamplePages()) await writeFile(SAMPLE_DIR + file, html);
}
