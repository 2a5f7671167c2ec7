import { CallHandler, ExecutionContext } from '@nestjs/common';
import { EventStoreTimeoutError } from '@newsroom/event-store';
import { firstValueFrom, NEVER, of } from 'rxjs';
import { WriteDeadlineInterceptor } from './write-deadline.interceptor';

const http = (method: string) => ({ switchToHttp: () => ({ getRequest: () => ({ method }) }) }) as unknown as ExecutionContext;
const handler = (source: CallHandler['handle']) => ({ handle: source }) as CallHandler;

describe('the write deadline', () => {
  it('given a write that never answers, then it fails past the deadline as a timeout whose outcome is unknown', async () => {
    const interceptor = new WriteDeadlineInterceptor(50);
    const error = await firstValueFrom(
      interceptor.intercept(
        http('POST'),
        handler(() => NEVER),
      ),
    ).catch((e) => e);
    expect(error).toBeInstanceOf(EventStoreTimeoutError);
    expect((error as EventStoreTimeoutError).nothingRecorded).toBe(false);
  });

  it('given a write that answers in time, then its answer passes through', async () => {
    const interceptor = new WriteDeadlineInterceptor(1000);
    await expect(
      firstValueFrom(
        interceptor.intercept(
          http('POST'),
          handler(() => of({ ok: true })),
        ),
      ),
    ).resolves.toEqual({ ok: true });
  });

  it('given a read or a deadline of 0, then nothing is bounded by it', () => {
    const source = NEVER;
    expect(
      new WriteDeadlineInterceptor(50).intercept(
        http('GET'),
        handler(() => source),
      ),
    ).toBe(source);
    expect(
      new WriteDeadlineInterceptor(0).intercept(
        http('POST'),
        handler(() => source),
      ),
    ).toBe(source);
  });
});
