import type { ComponentChildren } from 'preact';
import { dateText } from './format';
import { colon, fieldText, t, tn, type Lang } from './i18n';
import type { Corroboration, InferredField } from './types';

const concerns = (item: InferredField, paths: string[]) =>
  paths.some((p) => item.path === p || item.path.startsWith(`${p}.`) || item.path.startsWith(`${p}[`));

/** "2 confirm, 1 denies" / "2 confirment, 1 dément". */
const stances = (lang: Lang, c: Corroboration, separator: string) =>
  `${tn(lang, 'outlets.confirm', c.confirms)}${separator}${tn(lang, 'outlets.deny', c.denies)}`;

/**
 * A fact's outlets and what they say, as the Atom feed says it, the denials when there are any: "3 outlets: 3 confirm",
 * "3 médias : 3 confirment", "2 médias : 1 confirme, 1 dément".
 */
export const corroborationText = (lang: Lang, c: Corroboration) =>
  colon(lang, tn(lang, 'outlets.badge', c.outlets), c.denies ? stances(lang, c, ', ') : tn(lang, 'outlets.confirm', c.confirms));

/** "3 outlets · 2 confirm · 1 deny": how many distinct outlets back a fact (a syndicated copy counts once). */
export function OutletsBadge({ lang, c }: { lang: Lang; c?: Corroboration }) {
  if (!c || c.outlets < 1) return null;
  const text = `${tn(lang, 'outlets.badge', c.outlets)}${c.denies ? ` · ${stances(lang, c, ' · ')}` : ''}`;
  return (
    <span
      class={`badge outlets${c.denies ? ' denied' : ''}${c.outlets > 1 ? ' several' : ''}`}
      data-testid="outlets"
      title={t(lang, 'outlets.title', {
        distinct: tn(lang, 'outlets.distinct', c.outlets),
        confirms: tn(lang, 'outlets.confirm', c.confirms),
        denies: tn(lang, 'outlets.deny', c.denies),
      })}
    >
      {text}
    </span>
  );
}

/**
 * A value its sources do not state: underlined with a mark, the note on hover (and for screen readers). `paths`
 * are the fields the value shows ("occurredAt", "data.money"); a field below one counts too.
 */
export function InferredMark({
  lang,
  inferred,
  paths,
  children,
}: {
  lang: Lang;
  inferred?: InferredField[];
  paths: string[];
  children: ComponentChildren;
}) {
  const found = (inferred ?? []).filter((i) => concerns(i, paths));
  if (!found.length) return <>{children}</>;
  const note = found.map((i) => colon(lang, fieldText(lang, i.path), i.note)).join('\n');
  return (
    <span class="inferred" title={t(lang, 'truth.notStatedTitle', { note })} data-testid="inferred" tabIndex={0}>
      {children}
      <sup aria-hidden="true">*</sup>
      <span class="sr-only">{t(lang, 'truth.notStatedSr', { note })}</span>
    </span>
  );
}

/** The fields of an item its sources do not state, other than those marked on a shown value. */
export function InferredList({ lang, inferred, except = [] }: { lang: Lang; inferred?: InferredField[]; except?: string[] }) {
  const rest = (inferred ?? []).filter((i) => !concerns(i, except));
  if (!rest.length) return null;
  return (
    <p class="inferred-list">
      {t(lang, 'truth.notInSources')}{' '}
      {rest.map((i, n) => (
        <span key={i.path}>
          {n > 0 && ', '}
          <span class="inferred" title={i.note} data-testid="inferred" tabIndex={0}>
            {fieldText(lang, i.path)}
            <sup aria-hidden="true">*</sup>
          </span>
        </span>
      ))}
    </p>
  );
}

/** The fact dialog's account of how well a fact is backed: its outlets and what its sources do not say. */
export function FactTruth({ lang, corroboration, inferred }: { lang: Lang; corroboration?: Corroboration; inferred?: InferredField[] }) {
  return (
    <>
      {corroboration && (
        <p class="meta" data-testid="corroboration">
          <OutletsBadge lang={lang} c={corroboration} /> {stances(lang, corroboration, ', ')}
          {corroboration.firstReportedAt && (
            <> · {t(lang, 'truth.firstReported', { date: dateText(lang, corroboration.firstReportedAt) })}</>
          )}
          {corroboration.latestReportedAt && corroboration.latestReportedAt !== corroboration.firstReportedAt && (
            <> · {t(lang, 'truth.latest', { date: dateText(lang, corroboration.latestReportedAt) })}</>
          )}
        </p>
      )}
      {inferred && inferred.length > 0 && (
        <>
          <h3>{t(lang, 'truth.notStated')}</h3>
          <ul class="inferred-notes" data-testid="inferred-notes">
            {inferred.map((i) => (
              <li key={i.path}>{colon(lang, fieldText(lang, i.path), i.note)}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
