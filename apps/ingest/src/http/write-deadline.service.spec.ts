import { EventStoreTimeoutError } from '@newsroom/event-store';
import { WriteDeadline } from './write-deadline.service';

describe('the write deadline', () => {
  it('given a write that never answers, then it fails past the deadline as a timeout whose outcome is unknown', async () => {
    const error = await new WriteDeadline(50).within(new Promise(() => undefined)).catch((e) => e);
    expect(error).toBeInstanceOf(EventStoreTimeoutError);
    expect((error as EventStoreTimeoutError).nothingRecorded).toBe(false);
  });

  it('given a write that answers or fails in time, then its answer or error passes through', async () => {
    await expect(new WriteDeadline(1000).within(Promise.resolve({ ok: true }))).resolves.toEqual({ ok: true });
    const refused = new Error('refused');
    await expect(new WriteDeadline(1000).within(Promise.reject(refused))).rejects.toBe(refused);
  });

  it('given a write that fails after its deadline, then the timeout stands and nothing is left unhandled', async () => {
    let fail!: (e: Error) => void;
    const late = new Promise<never>((_, reject) => (fail = reject));
    const error = await new WriteDeadline(20).within(late).catch((e) => e);
    expect(error).toBeInstanceOf(EventStoreTimeoutError);
    fail(new Error('too late'));
    await new Promise((r) => setImmediate(r));
  });

  it('given a deadline of 0, then the write is not bounded', () => {
    const work = new Promise(() => undefined);
    expect(new WriteDeadline(0).within(work)).toBe(work);
  });
});
