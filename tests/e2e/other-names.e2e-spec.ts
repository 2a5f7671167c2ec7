import { randomUUID } from 'node:crypto';
import { pollUntil } from '@newsroom/testing';
import { post, Recorded, startStack, storySteps, TestStack } from './stack.harness';

const NBSP = '\u00a0';
const source = { outlet: 'Fixture Wire', language: 'en' };

interface FeedAnswer {
  items: Array<{ eventId: string; type: string; headline: string }>;
}
interface TimelineAnswer {
  items: Array<{ factId: string; subject: string; headline: string }>;
}

/**
 * Names from the facts in another event's data, through the running apps (the fifty-sixth testers' limit): a product
 * named beside an event's subject (a merge's other side, who asks an authority to intervene) and a case on a merge's
 * other side are called what their announcement or filing says in the feed (JSON, English and French) and the
 * timeline, not by their slugs.
 */
describe("names from the facts in another event's data: a merge's other side, a product asking for an intervention (e2e)", () => {
  let stack: TestStack;
  let q: string;
  let ingest: string;
  const tag = randomUUID().slice(0, 8);
  const org = `org:t56-${tag}`;
  const rival = `org:t56-rival-${tag}`;
  const pro = `product:t56-pro-${tag}`;
  const widget = `product:t56-widget-${tag}`;
  const lawsuit = `case:t56-doe-${tag}`;
  const duplicate = `case:t56-doe-dup-${tag}`;
  const ids = { asked: randomUUID() };

  const { get, record } = storySteps(() => stack, source);
  // `subject` is the same entity as `into`: an entity.merged in `subject`'s stream, `data.into` the other side.
  const merge = async (subject: string, into: string) => {
    const res = await post<Recorded>(`${ingest}/v1/entities/${into}/aliases`, { subject, reason: 'the same' }, stack.key);
    expect(res.status).toBe(201);
    return res.body;
  };
  const announce = (subject: string, name: string) =>
    record({
      type: 'product.announced',
      subject,
      occurredAt: '2025-03',
      data: { organization: org, name, features: [], status: 'announced' },
    });
  /** The feed's item of this event, in `lang`, once the projector wrote it. */
  const item = async (subject: string, written: Recorded, lang: string) => {
    const path = `/v1/feed?subjects=${subject}&lang=${lang}`;
    return pollUntil(
      async () => {
        const res = await fetch(`${q}${path}`);
        if (res.status !== 200) return null;
        return ((await res.json()) as FeedAnswer).items.find((i) => i.eventId === written.id) ?? null;
      },
      { timeoutMs: 30000, what: `${written.id} in the feed` },
    );
  };

  beforeAll(async () => {
    stack = await startStack('othernames');
    q = stack.apps.query.url;
    ingest = stack.apps.ingest.url;
    await announce(pro, 'Widget Pro X');
    await announce(widget, 'Widget One');
    await record({
      type: 'lawsuit.filed',
      subject: lawsuit,
      occurredAt: '2025-02',
      data: {
        title: { en: 'Doe v. Acme Corp', fr: 'Doe contre Acme' },
        plaintiffs: [`person:t56-doe-${tag}`],
        defendants: [org],
        claims: ['x'],
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("a merge's item names the other side by its announced name or filed title, in English and French", async () => {
    const merged = await merge(widget, pro);
    expect((await item(widget, merged, 'en')).headline).toBe('Widget One is the same entity as Widget Pro X');
    expect((await item(widget, merged, 'fr')).headline).toBe(`Widget One et Widget Pro X${NBSP}: une même entité`);
    const caseMerged = await merge(duplicate, lawsuit);
    expect((await item(duplicate, caseMerged, 'fr')).headline).toMatch(new RegExp(`et Doe contre Acme${NBSP}: une même entité$`));
    expect((await item(duplicate, caseMerged, 'en')).headline).toMatch(/ is the same entity as Doe v\. Acme Corp$/);
  });

  it('a fact naming a product beside its subject is headlined with its announced name in the feed and the timeline', async () => {
    const asked = await record({
      id: ids.asked,
      type: 'regulatory.intervention_requested',
      subject: rival,
      occurredAt: '2025-04',
      data: { by: pro, authority: 'authority:ftc', request: 'stop' },
    });
    const expected = /^Widget Pro X asks the FTC to intervene against /;
    expect((await item(rival, asked, 'en')).headline).toMatch(expected);
    expect((await item(rival, asked, 'fr')).headline).toMatch(/^Widget Pro X demande /);
    const timeline = await get<TimelineAnswer>(`/v1/reports/timeline?subject=${rival}&minPosition=${asked.globalPosition}`);
    expect(timeline.items.find((i) => i.factId === ids.asked)?.headline).toMatch(expected);
  });
});
