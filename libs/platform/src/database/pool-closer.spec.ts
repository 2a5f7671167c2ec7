import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { poolCloserProvider } from './pool-closer.service';

const POOL = Symbol('POOL');

describe('poolCloserProvider', () => {
  it('given an app with the closer of its pool, when the app closes, then the pool is ended', async () => {
    const end = jest.fn(async () => undefined);
    @Module({ providers: [{ provide: POOL, useValue: { end } }, poolCloserProvider(POOL)] })
    class AppModule {}
    const app = (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication();
    await app.init();
    expect(end).not.toHaveBeenCalled();
    await app.close();
    expect(end).toHaveBeenCalledTimes(1);
  });

  it('given a pool that fails to end, when the app closes, then shutdown still completes', async () => {
    @Module({
      providers: [{ provide: POOL, useValue: { end: async () => Promise.reject(new Error('already ended')) } }, poolCloserProvider(POOL)],
    })
    class AppModule {}
    const app = (await Test.createTestingModule({ imports: [AppModule] }).compile()).createNestApplication();
    await app.init();
    await expect(app.close()).resolves.toBeUndefined();
  });
});
