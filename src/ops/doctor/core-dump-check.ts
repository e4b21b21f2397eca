/**
 * Doctor: are core dumps off? A core file would hold whatever the process had
 * in memory at the crash, leaked documents included. Node cannot lower its own
 * RLIMIT_CORE, so the systemd unit sets LimitCORE=0; this reads the limit the
 * checking process got.
 */
import { check, type CheckResult } from './check.js';

/** The soft and hard "Max core file size" from /proc/<pid>/limits text, or null. */
export function coreLimit(limitsText: string): { soft: string; hard: string } | null {
  const line = limitsText.split('\n').find((l) => l.startsWith('Max core file size'));
  const m = line ? /^Max core file size\s+(\S+)\s+(\S+)/.exec(line) : null;
  return m ? { soft: m[1]!, hard: m[2]! } : null;
}

/** Checks the core limit; `limitsText` is the content of /proc/self/limits, or null where there is none. */
export function checkCoreDumps(limitsText: string | null): CheckResult {
  const FIX = "run leakwatch under the systemd unit (LimitCORE=0), or 'ulimit -c 0' in the shell that starts it";
  if (limitsText === null) return check('warn', 'core dumps', 'cannot read /proc/self/limits (not Linux?)', FIX);
  const limit = coreLimit(limitsText);
  if (!limit) return check('warn', 'core dumps', 'no "Max core file size" line in /proc/self/limits', FIX);
  if (limit.soft === '0') return check('ok', 'core dumps', `disabled (core file size limit 0${limit.hard === '0' ? ', hard 0' : `, hard ${limit.hard}`})`);
  return check('warn', 'core dumps', `core file size limit is ${limit.soft}: a crash could write leaked content to disk`, FIX);
}
