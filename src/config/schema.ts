/**
 * The one configuration schema: file, environment and systemd credentials are
 * all read through it. Parsed once at start, frozen, every problem reported
 * together with its path.
 */
import { validate as validateCron } from 'node-cron';
import { z } from 'zod';
import { isLoopbackHost, parseListenAddress } from '../ops/listen-address.js';

const ORG_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Where an organization's key lives: a file (mode 0600), an environment variable, or a systemd credential. */
export const keyRefSchema = z.union([
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'environment variable name') }),
  z.strictObject({ credential: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'credential name') }),
]);

/** A secret (webhook HMAC secret, SMTP password, chat webhook URL): never inline, always a reference. */
export const secretRefSchema = keyRefSchema;

const SEVERITY = z.enum(['low', 'medium', 'high', 'critical']);
const SINK_NAME = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, ., - and _');
const httpUrl = z.string().url().refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
const sinkCommon = {
  /** Stable name of the sink; part of the idempotency key (default: "<type>-<index>"). */
  name: SINK_NAME.optional(),
  /** Alerts below this severity do not go to this sink. */
  min_severity: SEVERITY.default('low'),
  /** Per-attempt timeout; defaults to alerts.delivery.timeout_ms. */
  timeout_ms: z.number().int().min(100).max(300_000).optional(),
};

/** Alert and operator sinks, one per receiver. */
export const sinkSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('webhook'),
    ...sinkCommon,
    url: httpUrl,
    /** HMAC-SHA256 key for X-Leakwatch-Signature. */
    secret: secretRefSchema,
  }),
  z.strictObject({
    type: z.literal('email'),
    ...sinkCommon,
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    /** starttls: plain connect then STARTTLS, required; tls: TLS from the first byte; none: test setups only. */
    security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
    username: z.string().min(1).optional(),
    password: secretRefSchema.optional(),
    from: z.string().min(3),
    to: z.array(z.string().min(3)).min(1),
    subject_prefix: z.string().max(60).default('[leakwatch]'),
    /** PEM CA bundle for a private SMTP server certificate. */
    ca_file: z.string().min(1).optional(),
  }),
  z.strictObject({
    type: z.literal('slack'),
    ...sinkCommon,
    /** The incoming-webhook URL is itself a credential: a reference, never inline. */
    url: secretRefSchema,
  }),
  z.strictObject({
    type: z.literal('teams'),
    ...sinkCommon,
    url: secretRefSchema,
    /** adaptive_card for Workflows webhooks, message_card for legacy Office 365 connectors. */
    format: z.enum(['adaptive_card', 'message_card']).default('adaptive_card'),
  }),
  z.strictObject({
    type: z.literal('syslog'),
    ...sinkCommon,
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).optional(),
    transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
    format: z.enum(['rfc5424', 'cef']).default('rfc5424'),
    facility: z.number().int().min(0).max(23).default(10),
    app_name: z.string().regex(/^[!-~]{1,48}$/, 'printable ASCII, no spaces, max 48').default('leakwatch'),
    /** HOSTNAME field; defaults to the machine's host name. */
    hostname: z.string().regex(/^[!-~]{1,255}$/, 'printable ASCII, no spaces').optional(),
    ca_file: z.string().min(1).optional(),
  }),
]);

export const orgSchema = z.strictObject({
  id: z.string().regex(ORG_ID, 'lowercase letters, digits, - and _ (max 64)'),
  name: z.string().optional(),
  key: keyRefSchema,
  /** Organization names and domains matched on leak-site listings and in scanned text. */
  watch_terms: z.array(z.string().min(2).max(200)).default([]),
  /** Distinct records at medium confidence or better that make a document critical. */
  critical_records: z.number().int().min(2).max(1_000_000).default(10),
  /** Where this organization's alerts go. */
  alerts: z.strictObject({ sinks: z.array(sinkSchema).default([]) }).default({ sinks: [] }),
});

export const operatorSchema = z.strictObject({
  /** Receivers of operator events (site down/empty/seized, Tor unreachable, delivery failed). */
  sinks: z.array(sinkSchema).default([]),
  /** A site must be down or empty this long before the operator hears of it (flapping is not news). */
  site_down_after_ms: z.number().int().min(0).default(30 * 60 * 1000),
});

export const alertsSchema = z.strictObject({
  retry: z
    .strictObject({
      /** Attempts before a delivery is marked failed (and raised as an operator event). */
      max_attempts: z.number().int().min(1).max(100).default(20),
      /** First retry delay; doubles per attempt, with jitter, up to max_ms. */
      base_ms: z.number().int().min(10).default(5_000),
      max_ms: z.number().int().min(10).default(60 * 60 * 1000),
    })
    .default(() => ({ max_attempts: 20, base_ms: 5_000, max_ms: 60 * 60 * 1000 })),
  delivery: z
    .strictObject({
      timeout_ms: z.number().int().min(100).max(300_000).default(10_000),
      /** Deliveries in flight at once. */
      concurrency: z.number().int().min(1).max(64).default(4),
      /** How often the worker looks for due deliveries written by other processes. */
      poll_ms: z.number().int().min(10).max(600_000).default(1_000),
    })
    .default(() => ({ timeout_ms: 10_000, concurrency: 4, poll_ms: 1_000 })),
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

/** The Prometheus endpoint; loopback only unless `allow_remote` says otherwise. */
export const metricsSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** `host:port` to serve /metrics and /healthz on. */
    listen: z
      .string()
      .refine((v) => parseListenAddress(v) !== null, 'must be host:port (IPv6 as [addr]:port)')
      .default('127.0.0.1:9464'),
    /** Metrics name sites and organizations; set true to serve them beyond loopback. */
    allow_remote: z.boolean().default(false),
  })
  .refine((m) => m.allow_remote || !parseListenAddress(m.listen) || isLoopbackHost(parseListenAddress(m.listen)!.host), {
    message: 'not a loopback address; set metrics.allow_remote: true to serve metrics to other machines',
    path: ['listen'],
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
  daemon: z
    .strictObject({
      /** Upper bound of the random delay before a scheduled pass starts (spreads load, blurs the schedule). */
      max_start_delay_ms: z.number().int().min(0).default(5 * 60_000),
      /** How long SIGTERM waits for the current document before aborting a pass. */
      stop_grace_ms: z.number().int().min(0).default(30_000),
    })
    .default({ max_start_delay_ms: 5 * 60_000, stop_grace_ms: 30_000 }),
  metrics: metricsSchema.default(() => metricsSchema.parse({})),
  operator: operatorSchema.default(() => operatorSchema.parse({})),
  alerts: alertsSchema.default(() => alertsSchema.parse({})),
});

export type KeyRef = z.infer<typeof keyRefSchema>;
export type OrgConfig = z.infer<typeof orgSchema>;
export type SiteConfig = z.infer<typeof siteSchema>;
export type MetricsConfig = z.infer<typeof metricsSchema>;
export type SecretRef = z.infer<typeof secretRefSchema>;
export type SinkConfig = z.infer<typeof sinkSchema>;
export type OperatorConfig = z.infer<typeof operatorSchema>;
export type AlertsConfig = z.infer<typeof alertsSchema>;
export type LeakwatchConfig = z.infer<typeof configSchema>;
