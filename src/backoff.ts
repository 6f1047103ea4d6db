/** The numbers that shape the wait between attempts. */
export interface BackoffOptions {
  minDelay: number;
  maxDelay: number;
  factor: number;
  jitter: number;
}

/**
 * The wait before attempt `attempt` (1 for the first retry): exponential growth
 * from `minDelay`, capped at `maxDelay`, then shortened by a random share of up
 * to `jitter`. The jitter comes after the cap on purpose: clients that lost
 * their connection together keep spreading out even once they all sit at the
 * cap (socket.io applies it before the cap, so its spread collapses there).
 *
 * @param random a number in [0, 1), injected so tests are deterministic
 */
export const delayFor = (attempt: number, o: BackoffOptions, random: number): number => {
  // minDelay 0 stays 0 (0 × an overflowed factor^n would be NaN)
  const base = o.minDelay && Math.min(o.maxDelay, o.minDelay * o.factor ** Math.max(0, attempt - 1));
  return Math.round(base * (1 - o.jitter * random));
};
