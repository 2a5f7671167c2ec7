import { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ProblemFilter } from '../http/problem.filter';
import { HealthModule } from './health.module';
import { NotReadyError } from './readiness.util';

/**
 * Readiness with a check that is not required (ingest's Kafka): its failure is reported under `degraded` and never
 * fails the answer; a required one's failure does, publishing a NotReadyError's state and never an error's text.
 */
describe('readiness: required and not required checks', () => {
  let app: INestApplication;
  let url: string;
  const broken: { kafka: boolean | 'frozen'; consumer: boolean } = { kafka: true, consumer: false };
  const saved = process.env.HEALTH_READY_CACHE_MS;

  beforeAll(async () => {
    process.env.HEALTH_READY_CACHE_MS = '0';
    const moduleRef = await Test.createTestingModule({
      imports: [
        HealthModule.forChecks({
          useFactory: () => [
            { name: 'postgres', check: async () => undefined },
            {
              name: 'kafka',
              check: async () => {
                if (broken.kafka === 'frozen') await new Promise(() => undefined); // a broker that never answers
                if (broken.kafka) throw new Error('connect ECONNREFUSED 10.0.0.9:9092');
              },
            },
            {
              name: 'consumer',
              check: async () => {
                if (broken.consumer) throw new NotReadyError('starting', 'consumer starting: joining at 10.0.0.9');
                return { state: 'running' };
              },
            },
          ],
          notRequired: ['kafka'],
        }),
      ],
      providers: [{ provide: APP_FILTER, useValue: new ProblemFilter() }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    if (saved === undefined) delete process.env.HEALTH_READY_CACHE_MS;
    else process.env.HEALTH_READY_CACHE_MS = saved;
  });

  it('given a not-required check down, then 200 naming it under degraded, its error text not published', async () => {
    broken.kafka = true;
    broken.consumer = false;
    const res = await fetch(`${url}/health/ready`);
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      degraded: ['kafka'],
      details: { postgres: { status: 'up' }, kafka: { status: 'degraded', state: 'unavailable' }, consumer: { status: 'up' } },
    });
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|10\.0\.0\.9/);
  });

  it('given the not-required check hanging (a frozen broker), then 200 naming it under degraded within a second', async () => {
    broken.kafka = 'frozen';
    broken.consumer = false;
    const started = Date.now();
    const res = await fetch(`${url}/health/ready`);
    const took = Date.now() - started;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ degraded: ['kafka'], details: { kafka: { status: 'degraded', state: 'unavailable' } } });
    // Kubernetes' default probe timeout is 1 s.
    expect(took).toBeLessThan(1000);
  });

  it('given every check up, then 200 with no degraded list', async () => {
    broken.kafka = false;
    const body = (await (await fetch(`${url}/health/ready`)).json()) as { status: string; degraded?: string[] };
    expect(body.status).toBe('ok');
    expect(body.degraded).toBeUndefined();
  });

  it('given a required check down with a NotReadyError, then 503 naming it and its state, the degraded one beside it', async () => {
    broken.kafka = true;
    broken.consumer = true;
    const res = await fetch(`${url}/health/ready`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = await res.json();
    expect(body).toMatchObject({
      code: 'SERVICE.NOT_READY',
      detail: 'Not ready: consumer (starting) down.',
      checks: { postgres: 'up', kafka: 'degraded', consumer: 'down' },
      states: { consumer: 'starting' },
      degraded: ['kafka'],
    });
    expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.9/);
  });
});
