/**
 * The one configuration schema: file, environment and systemd credentials are
 * all read through it. Parsed once at start, frozen, every problem reported
 * together with its path.
 */
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';

const ORG_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Where an organization's key lives: a file (mode 0600), an environment variable, or a systemd credential. */
export const keyRefSchema = z.union([
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') }),
  z.strictObject({ credential: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'credential name') }),
]);

export const orgSchema = z.strictObject({
  id: z.string().regex(ORG_ID, 'lowercase letters, digits, - and _ (max 64)'),
  name: z.string().optional(),
  key: keyRefSchema,
  /** Organization names and domains matched on leak-site listings and in scanned text. */
  watch_terms: z.array(z.string().min(2).max(200)).default([]),
  /** Distinct records at medium confidence or better that make a document critical. */
  critical_records: z.number().int().min(2).max(1_000_000).default(10),
});

export const extractLimitsSchema = z.strictObject({
  max_depth: z.number().int().min(1).max(16).default(4),
  max_entries: z.number().int().min(1).default(100_000),
  max_total_bytes: z.number().int().min(1).default(8 * 1024 ** 3),
  max_ratio: z.number().min(2).default(200),
  max_buffer_bytes: z.number().int().min(1024).default(64 * 1024 ** 2),
});

export const siteLimitsSchema = z.strictObject({
  max_response_bytes: z.number().int().min(1024).default(256 * 1024 ** 2),
  max_pass_bytes: z.number().int().min(1024).default(4 * 1024 ** 3),
  max_pages: z.number().int().min(1).default(2_000),
  max_depth: z.number().int().min(0).max(50).default(3),
  concurrency: z.number().int().min(1).max(16).default(2),
  min_delay_ms: z.number().int().min(0).default(1_000),
  max_pass_ms: z.number().int().min(1_000).default(60 * 60 * 1000),
});

export const siteSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ., - and _'),
  /** One or more onion base URLs; the next is tried when one is down (mirrors). */
  locations: z
    .array(
      z
        .string()
        .url()
        .refine((u) => /^https?:\/\/[a-z2-7]{56}\.onion(:\d+)?(\/|$)/.test(u) || /^https?:\/\/[^/]+\.onion(:\d+)?(\/|$)/.test(u), 'must be an http(s) .onion URL'),
    )
    .min(1),
  /** Cron expression, evaluated in UTC. */
  schedule: z.string().refine((c) => validateCron(c), 'not a valid cron expression').default('0 */6 * * *'),
  profile: z.string().default('generic'),
  enabled: z.boolean().default(true),
  limits: siteLimitsSchema.default(() => siteLimitsSchema.parse({})),
});

export const configSchema = z.strictObject({
  /** Directory for the SQLite store (relative paths are relative to the config file). */
  data_dir: z.string().default('var'),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    })
    .default({ level: 'info' }),
  tor: z
    .strictObject({
      /** Tor client SOCKS URL. Only socks5h is accepted: names must be resolved by Tor, never locally. */
      socks_url: z
        .string()
        .refine((u) => u.startsWith('socks5h://'), 'must be a socks5h:// URL (remote DNS through Tor)')
        .default('socks5h://127.0.0.1:9050'),
    })
    .default({ socks_url: 'socks5h://127.0.0.1:9050' }),
  extract: extractLimitsSchema.default(() => extractLimitsSchema.parse({})),
  orgs: z.array(orgSchema).default([]),
  sites: z.array(siteSchema).default([]),
});

export type KeyRef = z.infer<typeof keyRefSchema>;
export type OrgConfig = z.infer<typeof orgSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
export type LeakwatchConfig = z.infer<typeof configSchema>;
