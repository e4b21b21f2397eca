/**
 * One timer per fetch phase (connect, first byte, idle between chunks), plus
 * the overall deadline in http-client. Expiry is reported as LW_TIMEOUT with
 * the phase name so logs tell a dead onion from a slow-drip trap.
 */
import { LeakwatchError } from '../../errors.js';

export type FetchPhase = 'connect' | 'first-byte' | 'idle' | 'total';

export interface PhaseTimer {
  /** Starts (or restarts) the timer for a phase, cancelling the previous one. */
  arm(phase: FetchPhase, ms: number): void;
  /** Cancels the running phase timer. */
  clear(): void;
}

/** Error for an expired phase. */
export function timeoutError(phase: FetchPhase, ms: number): LeakwatchError {
  return new LeakwatchError('LW_TIMEOUT', `${phase} timeout after ${ms} ms`, { retryable: true });
}

/** Creates a phase timer that calls `onExpire` with the timeout error. */
export function createPhaseTimer(onExpire: (err: LeakwatchError) => void): PhaseTimer {
  let timer: NodeJS.Timeout | undefined;
  const clear = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return {
    arm(phase, ms) {
      clear();
      timer = setTimeout(() => onExpire(timeoutError(phase, ms)), ms);
    },
    clear,
  };
}
