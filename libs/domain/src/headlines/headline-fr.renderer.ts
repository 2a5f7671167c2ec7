import { frenchRecipientOf, labelOf, nameOf } from './display-name.format';
import { elided, frenchNoun } from './french-grammar.util';
import { frColon, withUnit } from './french-typography.util';
import { functionsBySize, listOf, truncate } from './headline-parts.util';
import type { HeadlineRenderers } from './headline.types';
import { formatMoney, formatNumber } from './money.format';
import { periodPhrase } from './period.format';

const LAWSUIT_STATUS: Readonly<Record<string, string>> = {
  amended: 'plainte modifiée',
  motion_filed: 'requête déposée',
  injunction_sought: 'injonction demandée',
  injunction_denied: 'injonction refusée',
  injunction_granted: 'injonction accordée',
  dismissed: 'plainte rejetée',
  withdrawn: 'plainte retirée',
  settled: 'accord conclu',
  ruled: 'jugement rendu',
  appealed: 'appel interjeté',
};

const money = (m: unknown) => formatMoney(m as never, 'fr');
// Free text in French: as given, else the glossary's (revenue models, roles...), else the English text marked "[en]".
const text = (v: unknown) => labelOf(v, 'fr');
const period = (p: unknown) => periodPhrase(p as string, 'fr');

/** The article a court's French name takes after "devant", from its first word; none for a name it does not know. */
// The first word ends where letters do (`\b` is ASCII-only: it never ends a word on "é").
const COURT_ARTICLES: ReadonlyArray<[RegExp, 'la' | 'le']> = [
  [/^(?:cour|chambre|juridiction|haute cour|commission|autorité|instance)(?!\p{L})/iu, 'la'],
  [/^(?:tribunal|conseil|juge|parquet|office)(?!\p{L})/iu, 'le'],
];

/**
 * "Cour supérieure de Californie" -> "la Cour supérieure de Californie", "Autorité de la concurrence" ->
 * "l'Autorité de la concurrence" (elided as any other "le"/"la"); a name with its article, or another, as is.
 */
function withArticle(court: string): string {
  if (/^(?:la|le|les)\s|^l['’]/iu.test(court)) return court;
  const article = COURT_ARTICLES.find(([first]) => first.test(court))?.[1];
  return article ? elided(article, court) : court;
}

function functions(byFunction: unknown): string {
  return functionsBySize(byFunction)
    .map(([fn, n]) => frColon(fn, formatNumber(n, 'fr')))
    .join(', ');
}

/** French headline per recordable type, in French typography (french-typography.util: U+00A0 before ":" and after a figure). */
export const FR_HEADLINES: Readonly<HeadlineRenderers> = {
  'executive.appointed': ({ data }, name) =>
    `${labelOf(data.organization)} nomme ${name} au poste ${elided('de', text(data.role))}${data.interim ? ' par intérim' : ''}`,
  'executive.departed': ({ data }, name) =>
    `${name} quitte ${labelOf(data.organization)} (${text(data.role)})${data.destination ? ` pour rejoindre ${text(data.destination)}` : ''}`,
  'headcount.reported': ({ data }, name) => {
    const breakdown = data.byFunction && Object.keys(data.byFunction).length ? functions(data.byFunction) : '';
    if (data.total === undefined) return `${name} publie ses effectifs par fonction (${breakdown})`;
    const employees = withUnit(formatNumber(data.total, 'fr'), frenchNoun(data.total, ['employé', 'employés']));
    return `${name} compte ${employees}${breakdown ? ` (${breakdown})` : ''}`;
  },
  'revenue.reported': ({ data }, name) => {
    const what =
      {
        actual: "annonce un chiffre d'affaires",
        annualized: "annonce un chiffre d'affaires annualisé",
        projected: "prévoit un chiffre d'affaires",
      }[data.basis as string] ?? "annonce un chiffre d'affaires";
    return `${name} ${what} de ${money(data.money)} ${period(data.period)}`;
  },
  'revenue.target_set': ({ data }, name) =>
    `${name} vise un chiffre d'affaires de ${money(data.money)} ${period(data.targetPeriod)}${data.setBy ? ` (objectif fixé par ${labelOf(data.setBy)})` : ''}`,
  'financial.loss_reported': ({ data }, name) => {
    const what =
      {
        actual: 'enregistre une perte',
        projected: 'prévoit une perte',
        cumulative_projected: 'prévoit des pertes cumulées',
      }[data.basis as string] ?? 'enregistre une perte';
    return `${name} ${what} de ${money(data.money)} ${period(data.period)}`;
  },
  'funding.round_closed': ({ data }, name) =>
    `${name} lève ${money(data.money)}${data.valuation ? ` sur une valorisation de ${money(data.valuation)}` : ''}${data.leadInvestor ? `, tour mené par ${nameOf(data.leadInvestor, 'fr')}` : ''}`,
  'lawsuit.filed': ({ data }) => {
    const plaintiffs = Array.isArray(data.plaintiffs) ? data.plaintiffs : [];
    const verb = plaintiffs.length > 1 ? 'poursuivent' : 'poursuit';
    return `${listOf(plaintiffs, 'fr')} ${verb} ${listOf(data.defendants, 'fr')} en justice${data.court ? ` devant ${withArticle(text(data.court))}` : ''}`;
  },
  'lawsuit.status_changed': ({ data }, name) => {
    const detail = truncate(text(data.detail));
    return frColon(name, `${LAWSUIT_STATUS[data.status] ?? String(data.status)}${detail ? ` (${detail})` : ''}`);
  },
  'regulatory.intervention_requested': ({ data }, name) =>
    `${labelOf(data.by, 'fr')} demande ${frenchRecipientOf(data.authority)} d'intervenir contre ${name}`,
  'product.announced': ({ data }) => {
    const features = listOf(data.features, 'fr');
    return `${labelOf(data.organization)} ${data.status === 'launched' ? 'lance' : 'annonce'} ${data.name}${features ? ` avec ${features}` : ''}`;
  },
  'strategy.revenue_model_explored': ({ data }, name) =>
    frColon(`${name} explore de nouveaux modèles de revenus`, listOf(data.models, 'fr', 5)),
  'governance.restructuring_announced': ({ data }, name) =>
    frColon(`${name} annonce une restructuration`, `${text(data.from)} → ${text(data.to)}`),
};
