/** Retry delays: exponential from `baseMs`, capped at `maxMs`, with equal jitter. */

/** Delay before the retry that follows attempt number `attempt` (1-based); `random` in [0, 1). */
export function backoffMs(attempt: number, policy: { base_ms: number; max_ms: number }, random: () => number = Math.random): number {
  const exp = Math.min(policy.max_ms, policy.base_ms * 2 ** Math.min(attempt - 1, 40));
  // Half fixed, half random: spreads a burst of retries without ever retrying at once.
  return Math.round(exp / 2 + random() * (exp / 2));
}
