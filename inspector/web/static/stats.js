// /console/stats: each unit's indicators over a chosen period with its rank (GET /stats/units),
// and the week's 红黑榜 and 流动黄旗 (GET /rankings). Unit staff see their own unit's row only.
import { $, api, h, show, t } from './common.js';
import { signedIn } from './staff.js';

const pct = (v) => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(1)}%`);
const num = (v) => (v === null || v === undefined ? '—' : String(v));
// [header, value of a row]; rates are fractions from the API, shown as percentages.
const COLUMNS = [
  ['排名', (i) => (i.rank === null ? t('不排名') : String(i.rank))],
  ['单位', (i) => i.unit_name],
  ['派遣', (i) => num(i.dispatched)],
  ['应结案', (i) => num(i.due)],
  ['结案', (i) => num(i.closed)],
  ['按期结案', (i) => num(i.closed_on_time)],
  ['结案率', (i) => pct(i.closing_rate)],
  ['按期结案率', (i) => pct(i.on_time_rate)],
  ['返工率', (i) => pct(i.rework_rate)],
  ['超期未办', (i) => num(i.overdue_open)],
  ['督办', (i) => num(i.escalated)],
  ['综合指标值', (i) => (i.score === null ? '—' : i.score.toFixed(1))],
];
let me = null;
let weeks = [];

/** The ISO week ('2026-W47') when from..to is exactly one Monday-to-Sunday week, else null. */
export function isoWeek(from, to) {
  const d = new Date(`${from}T00:00:00Z`);
  const end = new Date(`${to}T00:00:00Z`);
  if (d.getUTCDay() !== 1 || end - d !== 6 * 86400000) return null;
  d.setUTCDate(d.getUTCDate() + 3); // the week's Thursday decides its year
  const year = d.getUTCFullYear();
  const week = Math.floor((d - Date.UTC(year, 0, 1)) / (7 * 86400000)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function unitTable(body) {
  const rows = [...body.items].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || (b.score ?? -1) - (a.score ?? -1));
  return h('table', { class: 'numbers' },
    h('thead', {}, h('tr', {}, COLUMNS.map(([k]) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows.map((i) => h('tr', { 'data-unit': i.unit_code },
      COLUMNS.map(([k, value], n) => h(n === 1 ? 'th' : 'td', n === 1 ? { scope: 'row' } : { 'data-label': t(k) }, value(i)))))));
}

function unitList(title, items, kind) {
  return h('div', { class: `rank-list ${kind}` }, h('h3', {}, t(title)),
    items.length
      ? h('ol', {}, items.map((i) => h('li', {}, `${i.unit_name} · ${t('综合指标值')} ${i.score === null ? '—' : i.score.toFixed(1)}`)))
      : h('p', { class: 'hint' }, '—'));
}

async function renderRankings(week) {
  if (!week) {
    $('rankings').replaceChildren(h('p', { class: 'hint' }, t('选择统计周以查看红黑榜')));
    return;
  }
  const r = await api(`/rankings?week=${week}`);
  const flag = r.yellow_flag
    ? h('p', { class: 'flag' }, h('strong', {}, t('流动黄旗')), `: ${r.yellow_flag.unit_name}(${t('自')} ${r.yellow_flag.since_week})`)
    : h('p', { class: 'flag' }, h('strong', {}, t('流动黄旗')), ': —');
  $('rankings').replaceChildren(h('p', { class: 'hint' }, `${r.week}(${r.period.from} ~ ${r.period.to})`),
    h('div', { class: 'side-by-side' }, unitList('红榜', r.red, 'red'), unitList('黑榜', r.black, 'black')), flag);
}

async function query() {
  show($('error'), '');
  const from = $('from').value;
  const to = $('to').value;
  try {
    const body = await api(`/stats/units?from=${from}&to=${to}`);
    $('units-note').textContent = `${from} ~ ${to} · ${t('应结案少于')} ${body.minimum_due ?? ''} ${t('件的单位不排名')}`;
    $('units').replaceChildren(unitTable(body));
    $('week').value = weeks.some((w) => w.from === from && w.to === to) ? isoWeek(from, to) : '';
    await renderRankings(isoWeek(from, to));
  } catch (err) {
    show($('error'), err.message, 'error');
  }
}

async function start() {
  try {
    weeks = (await api('/bulletins?kind=weekly&count=12')).items;
  } catch (err) {
    show($('error'), err.message, 'error');
    return;
  }
  const select = $('week');
  select.replaceChildren(h('option', { value: '' }, t('自定义期间')),
    ...weeks.map((w) => h('option', { value: w.period }, `${w.period}(${w.from} ~ ${w.to})${w.ended ? '' : ` ${t('本周')}`}`)));
  const initial = weeks.find((w) => w.ended) || weeks[0];
  select.value = initial.period;
  $('from').value = initial.from;
  $('to').value = initial.to;
  select.addEventListener('change', () => {
    const w = weeks.find((x) => x.period === select.value);
    if (w) { $('from').value = w.from; $('to').value = w.to; query(); }
  });
  $('period').addEventListener('submit', (ev) => { ev.preventDefault(); query(); });
  await query();
}

signedIn(() => me && query()).then((s) => { me = s; start(); });
