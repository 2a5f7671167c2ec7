import { TokenBuckets } from './rate-limit.util';

describe('TokenBuckets', () => {
  it('allows the burst, then one request per 1/rate seconds, with Retry-After until the next token', () => {
    const buckets = new TokenBuckets({ rate: 2, burst: 3 });
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => buckets.take('a', t0).allowed)).toEqual([true, true, true]);
    const refused = buckets.take('a', t0);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 3 });
    expect(refused.retryAfterMs).toBe(500);
    expect(buckets.take('a', t0 + 499).allowed).toBe(false);
    expect(buckets.take('a', t0 + 500).allowed).toBe(true);
    // Another identity has its own bucket.
    expect(buckets.take('b', t0 + 500)).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('forgets buckets that have refilled and never tracks more than maxTracked identities', () => {
    const buckets = new TokenBuckets({ rate: 10, burst: 10, maxTracked: 100 });
    for (let i = 0; i < 1000; i++) buckets.take(`ip:${i}`, 0);
    expect(buckets.size).toBe(100);
    // A second later every bucket is full again: the next request drops them all but its own.
    buckets.take('late', 1000);
    expect(buckets.size).toBe(1);
  });

  it('is off at rate 0', () => {
    expect(new TokenBuckets({ rate: 0, burst: 1 }).enabled).toBe(false);
  });
});
