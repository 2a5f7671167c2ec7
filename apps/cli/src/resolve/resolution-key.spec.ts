import { resolutionKey } from './resolution-key.util';

describe('resolutionKey: the Idempotency-Key of `newsroom resolve` without --idempotency-key', () => {
  const conflict = '5f3e0c1a-0000-4000-8000-000000000001';
  const standing = '0193b7f0-0000-7000-8000-000000000007';
  const reason = 'the audited accounts say 30 billion';

  it('is a UUID (version 5) the API takes, the same for the same command run again', () => {
    const key = resolutionKey(conflict, standing, reason);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(resolutionKey(conflict, standing, reason)).toBe(key);
    // Ids as the service keeps them: the same conflict and side typed in upper case are the same resolution.
    expect(resolutionKey(conflict.toUpperCase(), ` ${standing.toUpperCase()}`, reason)).toBe(key);
    // The reason as the service stores it, trimmed (t25: "  race " recorded a second resolution with reason "race").
    expect(resolutionKey(conflict, standing, `  ${reason} \n`)).toBe(key);
  });

  it('differs with the conflict, the side that stands or the reason', () => {
    const key = resolutionKey(conflict, standing, reason);
    expect(resolutionKey(conflict.replace(/1$/, '2'), standing, reason)).not.toBe(key);
    expect(resolutionKey(conflict, standing.replace(/7$/, '8'), reason)).not.toBe(key);
    expect(resolutionKey(conflict, standing, `${reason}.`)).not.toBe(key);
  });
});
