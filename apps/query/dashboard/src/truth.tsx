import type { ComponentChildren } from 'preact';
import type { Corroboration, InferredField } from './types';

const concerns = (item: InferredField, paths: string[]) =>
  paths.some((p) => item.path === p || item.path.startsWith(`${p}.`) || item.path.startsWith(`${p}[`));

/** "3 outlets · 2 confirm · 1 denies": how many distinct outlets back a fact (a syndicated copy counts once). */
export function OutletsBadge({ c }: { c?: Corroboration }) {
  if (!c || c.outlets < 1) return null;
  const text = `${c.outlets} ${c.outlets === 1 ? 'outlet' : 'outlets'}${c.denies ? ` · ${c.confirms} confirm · ${c.denies} deny` : ''}`;
  return (
    <span
      class={`badge outlets${c.denies ? ' denied' : ''}${c.outlets > 1 ? ' several' : ''}`}
      data-testid="outlets"
      title={`${c.outlets} distinct outlet${c.outlets === 1 ? '' : 's'}: ${c.confirms} confirm, ${c.denies} deny`}
    >
      {text}
    </span>
  );
}

/**
 * A value its sources do not state: underlined with a mark, the note on hover (and for screen readers). `paths`
 * are the fields the value shows ("occurredAt", "data.money"); a field below one counts too.
 */
export function InferredMark({ inferred, paths, children }: { inferred?: InferredField[]; paths: string[]; children: ComponentChildren }) {
  const found = (inferred ?? []).filter((i) => concerns(i, paths));
  if (!found.length) return <>{children}</>;
  const note = found.map((i) => `${i.path}: ${i.note}`).join('\n');
  return (
    <span class="inferred" title={`Not stated by the sources — ${note}`} data-testid="inferred" tabIndex={0}>
      {children}
      <sup aria-hidden="true">*</sup>
      <span class="sr-only"> (not stated by the sources: {note})</span>
    </span>
  );
}

/** The fields of an item its sources do not state, other than those marked on a shown value. */
export function InferredList({ inferred, except = [] }: { inferred?: InferredField[]; except?: string[] }) {
  const rest = (inferred ?? []).filter((i) => !concerns(i, except));
  if (!rest.length) return null;
  return (
    <p class="inferred-list">
      Not in the sources:{' '}
      {rest.map((i, n) => (
        <span key={i.path}>
          {n > 0 && ', '}
          <span class="inferred" title={i.note} data-testid="inferred" tabIndex={0}>
            {i.path.replace(/^data\./, '').replace(/\.(en|fr)$/, ' ($1)')}
            <sup aria-hidden="true">*</sup>
          </span>
        </span>
      ))}
    </p>
  );
}

/** The fact dialog's account of how well a fact is backed: its outlets and what its sources do not say. */
export function FactTruth({ corroboration, inferred }: { corroboration?: Corroboration; inferred?: InferredField[] }) {
  return (
    <>
      {corroboration && (
        <p class="meta" data-testid="corroboration">
          <OutletsBadge c={corroboration} /> {corroboration.confirms} confirm, {corroboration.denies} deny
          {corroboration.firstReportedAt && <> · first reported {corroboration.firstReportedAt}</>}
          {corroboration.latestReportedAt && corroboration.latestReportedAt !== corroboration.firstReportedAt && (
            <> · latest {corroboration.latestReportedAt}</>
          )}
        </p>
      )}
      {inferred && inferred.length > 0 && (
        <>
          <h3>Not stated by the sources</h3>
          <ul class="inferred-notes" data-testid="inferred-notes">
            {inferred.map((i) => (
              <li key={i.path}>
                <code>{i.path}</code>: {i.note}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
