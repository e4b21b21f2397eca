/** Public options and handles of the simulated leak site, plus the internal content model. */
import type { Note, Patient } from '../../demo/synthetic-clinic.js';

export type SiteShape = 'ransomware-blog' | 'forum' | 'paste';

/** Hostile behaviours; every switch is off unless set. */
export interface HostileSwitches {
  /** Listing entries that 302 to http://93.184.216.34/ and to http://example.com/. */
  clearnetRedirect: boolean;
  /** A listing entry whose page redirects to a second page that redirects back. */
  redirectLoop: boolean;
  /** "next" is always present; pages past the last are generated forever. */
  endlessPagination: boolean;
  /** An attachment that sends one byte every 500 ms. */
  slowDrip: boolean;
  /** An attachment streamed with chunked encoding that never ends. */
  endlessChunked: boolean;
  /** A ~1 MB zip whose entry inflates to just over 1 GiB. */
  zipBomb: boolean;
  /** Zips nested 8 deep, 4 copies per layer. */
  nestedZipBomb: boolean;
  /** A Content-Encoding: gzip response that inflates to just over 1 GiB. */
  gzipBomb: boolean;
  /** A page with unclosed tags, invalid UTF-8, mixed encodings and 100k nested divs. */
  brokenHtml: boolean;
  /** A page with 100,000 links. */
  manyLinks: boolean;
  /** A 100 MiB single-line text attachment, streamed. */
  hugeLine: boolean;
  /** CSV served as image/png, zip as text/html (paste raw as image/png). */
  wrongContentTypes: boolean;
  /** A truncated PDF and a corrupt DOCX attachment. */
  corruptDocs: boolean;
  /** Every request answers a law-enforcement seizure banner page. */
  seizedBanner: boolean;
  /** The listing loads but shows no entries. */
  empty: boolean;
  /** Every request answers 503. */
  down: boolean;
}

export type Hostile = Partial<HostileSwitches>;

export interface LeakSiteOptions {
  shape: SiteShape;
  /** Blog posts or pastes (default 6); for the forum, pages of the leak thread. */
  posts?: number;
  /** Listing pagination size (default 3). */
  perPage?: number;
  seed?: number;
  /** Leaked records to embed (default: 48 generated from the seed). */
  patients?: Patient[];
  /** Leaked notes to embed (default: 10 generated from the seed). */
  notes?: Note[];
  /** The organization named on "coming soon" cards and on its data posts. */
  victimName?: string;
  hostile?: Hostile;
}

export interface RequestLogEntry {
  method: string;
  /** Path with query string, as requested. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** 0 until the response head is written. */
  status: number;
  /** Body bytes written so far (compressed bytes when gzip was used). */
  bytes: number;
}

export interface ManifestAttachment {
  path: string;
  sha256: string;
  kind: AttachmentKind;
}

export interface ManifestPost {
  path: string;
  title: string;
  attachments: ManifestAttachment[];
}

export interface LeakSiteManifest {
  /** The mutable units in index order (blog posts, leak-thread pages, pastes), oldest first. */
  posts: ManifestPost[];
  /** Patients whose rows appear anywhere on the site (pages, raw pastes, attachments, archive entries). */
  leakedPatientIds: string[];
  /** Notes whose text (whole or an excerpt) appears anywhere on the site. */
  leakedNoteRefs: string[];
  /** The victim as the site names it (watch terms: name and domain). */
  victim: { name: string; domain: string };
  /** Paths of the hostile resources currently switched on, by switch. */
  hostile: { switch: keyof HostileSwitches; path: string }[];
}

export interface LeakSite {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** Every request, in arrival order; entries are updated as the response progresses. */
  requests: RequestLogEntry[];
  /** Replaces the hostile switches (switches not given are off). */
  setHostile(h: Hostile | undefined): void;
  /** Publishes a new post (with records not leaked before, while any remain). */
  addPost(): void;
  /** Removes the post at `index` of `manifest.posts`. */
  removePost(index: number): void;
  /** Rewrites the post at `index`, marks it published and adds an addendum with further records. */
  updatePost(index: number): void;
  /** A snapshot of what the site currently publishes. */
  readonly manifest: LeakSiteManifest;
  close(): Promise<void>;
}

export type AttachmentKind = 'csv' | 'docx' | 'pdf' | 'zip' | 'png' | 'txt';

export interface Attachment {
  name: string;
  kind: AttachmentKind;
  body: Uint8Array;
  sha256: string;
  /** Epoch ms when it was published (Last-Modified). */
  added: number;
}

/** What a unit is about; drives its title, text and attachments. */
export type UnitRole = 'dump' | 'notes' | 'archive' | 'other' | 'soon' | 'other-soon';

/** One blog post, leak-thread page or paste. */
export interface Unit {
  id: string;
  serial: number;
  role: UnitRole;
  title: string;
  published: boolean;
  created: number;
  modified: number;
  /** Times updatePost touched it. */
  updates: number;
  sizeLabel: string;
  /** Rows of records shown or attached. */
  rows: Patient[];
  /** Rows added by updates (rendered as an addendum). */
  addendumRows: Patient[];
  notes: Note[];
  attachments: Attachment[];
}
