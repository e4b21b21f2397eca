/**
 * Peak resident memory of this process, in KiB: Linux's VmHWM, the high-water
 * mark of the memory the process has since it started its program.
 *
 * Not `process.resourceUsage().maxRSS`: Linux carries ru_maxrss over from the
 * parent at fork (a child of a 400 MiB process reports at least ~400 MiB), so
 * a benchmark child measured that way shows its parent's size whenever that
 * is larger. Other systems fall back to maxRSS.
 *
 * TypeScript code reads the same figure with `peakRssOf` from
 * test/support/proof-measure.ts; this copy serves the children that run
 * compiled code with node alone and cannot import TypeScript.
 */
import { readFileSync } from 'node:fs';

export function peakRssKiB() {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // Not Linux: below.
  }
  return process.resourceUsage().maxRSS;
}
