/** Peak resident memory of this process in KiB (see peak-rss.mjs). */
export function peakRssKiB(): number;
