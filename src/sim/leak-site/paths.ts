/** URL layout of each site shape. */
import type { SiteShape } from './types.js';

export interface ShapePaths {
  /** Page of one entry: a blog post, a thread (first page) or a paste view. */
  entry(id: string): string;
  /** A downloadable file of an entry (for pastes: the raw text; `name` is unused). */
  file(id: string, name: string): string;
  /** Listing page `page` (1-based). */
  listing(page: number): string;
}

export const PATHS: Record<SiteShape, ShapePaths> = {
  'ransomware-blog': {
    entry: (id) => `/post/${id}`,
    file: (id, name) => `/files/${id}/${encodeURIComponent(name)}`,
    listing: (page) => (page === 1 ? '/' : `/page/${page}`),
  },
  forum: {
    entry: (id) => `/thread/${id}`,
    file: (id, name) => `/attach/${id}/${encodeURIComponent(name)}`,
    listing: (page) => (page === 1 ? '/forum/' : `/forum/?page=${page}`),
  },
  paste: {
    entry: (id) => `/p/${id}`,
    file: (id) => `/raw/${id}`,
    listing: (page) => (page === 1 ? '/' : `/?page=${page}`),
  },
};
