/** The result of one doctor check: a status, what was found, and how to fix it. */

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  status: CheckStatus;
  /** Short name, e.g. `config`, `key clinic-a`, `tor circuit blog`. */
  name: string;
  /** What was found; paths, codes and counts only, never key material or content. */
  detail: string;
  /** What to do about a warning or failure. */
  fix?: string;
}

/** Builds a check result (omitting an empty fix hint). */
export function check(status: CheckStatus, name: string, detail: string, fix?: string): CheckResult {
  return fix ? { status, name, detail, fix } : { status, name, detail };
}
