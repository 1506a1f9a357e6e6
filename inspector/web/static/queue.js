// /console/ each role's queue: what is waiting for this person, most urgent first.
import { $, api, fmtTime, h, show, t } from './common.js';
import { ROLE_ZH, signedIn, statusBadge } from './staff.js';

const EXTENSION = (c) => c.status === 'dispatched' && c.extension_request;
const ESCALATED = (c) => c.escalation_level > 0;

// role -> sections: [title, query, filter?]
const QUEUES = {
  dispatcher: [
    ['待立案', 'status=new'], ['待网格员现场核实', 'status=verifying'], ['待派遣', 'status=filed'],
    ['责任单位退回,待重新派遣', 'status=returned'], ['延期申请待审批', 'status=dispatched', EXTENSION],
    ['已整改,待核查或结案', 'status=rectified'],
  ],
  unit_staff: [['派给本单位,待处置(超期在前)', 'status=dispatched'], ['已整改,待核查', 'status=rectified']],
  supervisor: [['超期未办', 'overdue=true'], ['已督办', 'status=dispatched', ESCALATED], ['已整改,待核查', 'status=rectified']],
  grid_worker: [['待现场核实', 'status=verifying'], ['待现场核查', 'status=rectified']],
};
QUEUES.admin = QUEUES.dispatcher;

function remaining(c) {
  if (!c.due_at) return '';
  const ms = new Date(c.due_at) - Date.now();
  const hours = Math.floor(Math.abs(ms) / 3600000);
  const minutes = Math.floor((Math.abs(ms) % 3600000) / 60000);
  const span = hours ? `${hours} 小时 ${minutes} 分` : `${minutes} 分`;
  return ms < 0 ? `超期 ${span}` : `剩余 ${span}`;
}

function urgentFirst(a, b) {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return (a.due_at || '9').localeCompare(b.due_at || '9') || a.id - b.id;
}

const COLUMNS = ['编号', '类别', '地址', '状态', '上报时间', '到期'];

function row(c) {
  const cell = (i, ...content) => h('td', i ? { 'data-label': t(COLUMNS[i]) } : {}, ...content);
  return h('tr', {},
    cell(0, h('a', { href: `/console/cases/${c.id}` }, c.number)),
    cell(1, c.category_name || '—'),
    cell(2, c.address || c.grid_name || ''),
    cell(3, statusBadge(c),
      c.duplicate_of ? h('a', { class: 'badge', href: `/console/cases/${c.id}#duplicate` }, t('疑似重复')) : null,
      c.escalation_level ? h('span', { class: 'badge' }, `${t('督办')} ${c.escalation_level}`) : null),
    cell(4, fmtTime(c.created_at)),
    cell(5, c.due_at ? h('span', {}, fmtTime(c.due_at), h('br'), remaining(c)) : '—'));
}

async function section([title, query, keep]) {
  const answer = await api(`/cases?${query}&limit=200`);
  const items = answer.items.filter(keep || (() => true)).sort(urgentFirst);
  const body = items.length
    ? h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, COLUMNS.map((x) => h('th', { scope: 'col' }, t(x))))),
      h('tbody', {}, items.map(row)))
    : h('p', { class: 'hint' }, '—');
  return h('section', { class: 'card queue-section' },
    h('h2', {}, title, h('span', { class: 'count' }, `(${items.length})`)), body);
}

let me = null;

async function render() {
  const sections = QUEUES[me.role];
  $('queue-title').textContent = `${ROLE_ZH[me.role] || me.role} · 待办`;
  if (!sections) {
    $('queue').replaceChildren(h('p', { class: 'card' }, h('a', { href: '/m/mine' }, t('我的上报'))));
    return;
  }
  try {
    $('queue').replaceChildren(...(await Promise.all(sections.map(section))));
  } catch (err) {
    show($('error'), err.message, 'error');
  }
}

signedIn(() => me && render()).then((s) => { me = s; render(); });
