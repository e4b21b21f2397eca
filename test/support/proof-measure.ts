/** Time and memory figures for the proof tests, and a plain table printer for them. */
import { readFileSync } from 'node:fs';
import { fullCollection } from '../../src/matcher/reclaim.js';

// A full collection before each measurement makes the baseline mean something; node:test gives no --expose-gc.
const collect = fullCollection();
if (collect === null) throw new Error('proof measurements need a full garbage collection, and none could be had');
const gc = collect;

export interface Measured<T> {
  value: T;
  ms: number;
  /** RSS before the run, after a full collection. */
  baseRss: number;
  /** Highest RSS sampled while it ran. */
  peakRss: number;
}

/** Runs `fn`, sampling RSS every 5 ms; returns its value with elapsed time and peak RSS. */
export async function measured<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  gc();
  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 5);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, ms: Math.round(performance.now() - t0), baseRss, peakRss: Math.max(peakRss, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

/** Peak resident set size of another process so far (Linux VmHWM), or null when unavailable. */
export function peakRssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export const MB = 1024 * 1024;

/** Formats rows as an aligned text table (first row is the header). */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
