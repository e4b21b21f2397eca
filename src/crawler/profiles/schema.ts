/**
 * Site profiles: how to walk a leak site. Selector profiles (CSS, via cheerio)
 * describe listing -> post -> attachments with pagination; the generic profile
 * follows same-site links to a depth.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatIssues } from '../../config/load.js';
import { LeakwatchError } from '../../errors.js';

const selector = z.string().min(1).max(500);

export const profileSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    kind: z.literal('listing'),
    /** Path of the first listing page, relative to the site location. */
    start: z.string().default('/'),
    listing: z.strictObject({
      /** One element per victim card / thread / paste. */
      item: selector,
      /** Link to the post, inside the item. */
      link: selector,
      /** Title (victim name, thread or paste title), inside the item; matched against watch terms. */
      title: selector.optional(),
      /** Date, inside the item (text or `datetime` attribute). */
      date: selector.optional(),
      /** Link to the next listing page. */
      next: selector.optional(),
    }),
    post: z
      .strictObject({
        /** Part of the post page holding the post body; the whole page when absent. */
        content: selector.optional(),
        /** Attachment / download links. */
        attachments: selector.optional(),
        /** Next page of a multi-page post (forum threads). */
        next: selector.optional(),
        /** Regex rewrites of the post URL before fetching (e.g. a paste's raw view). */
        rewrite: z.array(z.strictObject({ from: z.string().max(200), to: z.string().max(200) })).default([]),
      })
      .default({ rewrite: [] }),
  }),
  z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    kind: z.literal('generic'),
    start: z.string().default('/'),
  }),
]);

export type SiteProfile = z.infer<typeof profileSchema>;

const BUILTIN = ['generic', 'ransomware-blog', 'forum', 'paste'];

/** Folder of the shipped profiles (config/sites in the package). */
export function builtinProfileDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../config/sites');
}

/** Parses a profile object; every problem is reported with its path. */
export function parseProfile(raw: unknown, where: string): SiteProfile {
  const r = profileSchema.safeParse(raw);
  if (!r.success) throw new LeakwatchError('LW_CONFIG_INVALID', `${where}: ${formatIssues(r.error.issues).join('; ')}`);
  for (const [i, rw] of (r.data.kind === 'listing' ? r.data.post.rewrite : []).entries()) {
    try {
      new RegExp(rw.from);
    } catch {
      throw new LeakwatchError('LW_CONFIG_INVALID', `${where}: post.rewrite[${i}].from: invalid regular expression`);
    }
  }
  return r.data;
}

/** Loads a profile by built-in name or from a YAML file path (relative to `baseDir`). */
export function loadProfile(ref: string, baseDir: string = process.cwd()): SiteProfile {
  const file = BUILTIN.includes(ref) ? join(builtinProfileDir(), `${ref}.yaml`) : resolve(baseDir, ref);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new LeakwatchError('LW_CONFIG_INVALID', `profile ${ref}: ${code ? `cannot read ${file} (${code})` : `invalid YAML in ${file}`}`, { cause: err });
  }
  return parseProfile(raw, file);
}
