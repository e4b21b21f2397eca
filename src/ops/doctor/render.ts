/** Doctor output: aligned `status  name  detail  (fix: hint)` lines, or one JSON document. */
import type { CheckResult } from './check.js';

/** One line per check, columns aligned. */
export function doctorText(results: readonly CheckResult[]): string {
  const width = Math.max(0, ...results.map((r) => r.name.length));
  return results.map((r) => `${r.status.padEnd(4)}  ${r.name.padEnd(width)}  ${r.detail}${r.fix ? `  (fix: ${r.fix})` : ''}`).join('\n');
}

/** The JSON form: overall verdict, counts and every check. */
export function doctorJson(results: readonly CheckResult[]): string {
  const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
  return JSON.stringify({ ok: count('fail') === 0, counts: { ok: count('ok'), warn: count('warn'), fail: count('fail') }, checks: results });
}
