import { englishRecipientOf, labelOf, nameOf } from './display-name.format';
import { functionsBySize, listOf, parenthesized } from './headline-parts.util';
import type { HeadlineRenderers } from './headline.types';
import { formatMoney, formatNumber } from './money.format';
import { periodPhrase } from './period.format';

const LAWSUIT_STATUS: Readonly<Record<string, string>> = {
  amended: 'complaint amended',
  motion_filed: 'motion filed',
  injunction_sought: 'injunction sought',
  injunction_denied: 'injunction denied',
  injunction_granted: 'injunction granted',
  dismissed: 'case dismissed',
  withdrawn: 'case withdrawn',
  settled: 'case settled',
  ruled: 'ruling issued',
  appealed: 'appeal filed',
};
const REVENUE_MODELS: Readonly<Record<string, string>> = { api: 'API' };

const money = (m: unknown) => formatMoney(m as never, 'en');
// Free text in English: as given, else the glossary's, else the French text marked "[fr]".
const text = (v: unknown) => labelOf(v, 'en');
const period = (p: unknown) => periodPhrase(p as string, 'en');

function functions(byFunction: unknown): string {
  return functionsBySize(byFunction)
    .map(([fn, n]) => `${fn}: ${formatNumber(n, 'en')}`)
    .join(', ');
}

/** English headline per recordable type; `name` is the subject's display name. */
export const EN_HEADLINES: Readonly<HeadlineRenderers> = {
  'executive.appointed': ({ data }, name) =>
    `${name} appointed ${data.interim ? 'interim ' : ''}${text(data.role)} at ${labelOf(data.organization)}`,
  'executive.departed': ({ data }, name) =>
    `${name} leaves ${labelOf(data.organization)} as ${text(data.role)}${data.destination ? ` to join ${text(data.destination)}` : ''}`,
  'headcount.reported': ({ data }, name) => {
    const breakdown = data.byFunction && Object.keys(data.byFunction).length ? functions(data.byFunction) : '';
    if (data.total === undefined) return `${name} reports headcount by function (${breakdown})`;
    return `${name} reports headcount of ${formatNumber(data.total, 'en')}${breakdown ? ` (${breakdown})` : ''}`;
  },
  'revenue.reported': ({ data }, name) => {
    const what =
      { actual: 'reports revenue', annualized: 'reports annualized revenue', projected: 'projects revenue' }[data.basis as string] ??
      'reports revenue';
    return `${name} ${what} of ${money(data.money)} ${period(data.period)}`;
  },
  'revenue.target_set': ({ data }, name) =>
    `${name} reports revenue target of ${money(data.money)} ${period(data.targetPeriod)}${data.setBy ? `, set by ${labelOf(data.setBy)}` : ''}`,
  'financial.loss_reported': ({ data }, name) => {
    const what =
      { actual: 'reports loss', projected: 'projects loss', cumulative_projected: 'projects cumulative losses' }[data.basis as string] ??
      'reports loss';
    return `${name} ${what} of ${money(data.money)} ${period(data.period)}`;
  },
  'funding.round_closed': ({ data }, name) =>
    `${name} raises ${money(data.money)}${data.valuation ? ` at a ${money(data.valuation)} valuation` : ''}${data.leadInvestor ? `, led by ${nameOf(data.leadInvestor, 'en')}` : ''}`,
  'lawsuit.filed': ({ data }) => {
    const plaintiffs = Array.isArray(data.plaintiffs) ? data.plaintiffs : [];
    const verb = plaintiffs.length > 1 ? 'sue' : 'sues';
    return `${listOf(plaintiffs, 'en')} ${verb} ${listOf(data.defendants, 'en')}${data.court ? ` in ${text(data.court)}` : ''}`;
  },
  'lawsuit.status_changed': ({ data }, name) =>
    `${name}: ${LAWSUIT_STATUS[data.status] ?? String(data.status)}${parenthesized(text(data.detail))}`,
  'regulatory.intervention_requested': ({ data }, name) =>
    `${labelOf(data.by)} asks ${englishRecipientOf(data.authority)} to intervene against ${name}`,
  'product.announced': ({ data }) => {
    const features = listOf(data.features, 'en');
    return `${labelOf(data.organization)} ${data.status === 'launched' ? 'launches' : 'announces'} ${data.name}${features ? ` with ${features}` : ''}`;
  },
  'strategy.revenue_model_explored': ({ data }, name) =>
    `${name} explores revenue models: ${listOf(
      (data.models ?? []).map((m) => REVENUE_MODELS[text(m)] ?? text(m)),
      'en',
      5,
    )}`,
  'governance.restructuring_announced': ({ data }, name) => `${name} announces restructuring from ${text(data.from)} to ${text(data.to)}`,
};
