// /console/bulletins: the latest weekly bulletins (HTML and PDF, fetched with the token), the
// publish button for 督查组 and admins once a week is over, and the case ledger (xlsx/csv).
import { $, api, download, h, show, t } from './common.js';
import { signedIn } from './staff.js';

const READERS = ['dispatcher', 'unit_staff', 'supervisor', 'admin'];
const PUBLISHERS = ['supervisor', 'admin'];
const STATUSES = [['', '全部'], ['new', '待立案'], ['dispatched', '已派遣'], ['rectified', '已整改'], ['closed', '已结案']];
let me = null;

function statusText(b) {
  if (b.published) return `${t('已发布')} ${b.published.at.slice(0, 16).replace('T', ' ')} · ${b.published.by_role_name} · SHA-256 ${b.published.sha256.slice(0, 12)}…`;
  return b.ended ? t('未发布') : t('本周未结束');
}

function bulletinRow(b) {
  const note = h('span', { role: 'status', class: 'hint' });
  const get = (format) => h('button', {
    type: 'button', class: 'small secondary', 'aria-label': `${b.period} ${format.toUpperCase()}`,
    onclick: async () => {
      note.textContent = '…';
      try {
        await download(`/bulletins/weekly?week=${b.period}&format=${format}`, `bulletin-${b.period}.${format}`);
        note.textContent = '';
      } catch (err) { note.textContent = err.message; }
    },
  }, format.toUpperCase());
  const publish = PUBLISHERS.includes(me.role) && b.ended && !b.published
    ? h('button', {
      type: 'button', class: 'small', 'aria-label': `${t('发布')} ${b.period}`,
      onclick: async (ev) => {
        ev.target.disabled = true;
        note.textContent = t('正在生成 PDF…');
        try {
          await api(`/bulletins/weekly/${b.period}/publish`, { method: 'POST' });
          await render();
        } catch (err) { note.textContent = err.message; ev.target.disabled = false; }
      },
    }, t('发布'))
    : null;
  return h('tr', { 'data-week': b.period },
    h('th', { scope: 'row' }, b.period),
    h('td', { 'data-label': t('期间') }, `${b.from} ~ ${b.to}`),
    h('td', { 'data-label': t('状态') }, statusText(b)),
    h('td', { 'data-label': t('下载') }, h('span', { class: 'actions-row' }, get('html'), get('pdf'), publish), note));
}

async function render() {
  if (!READERS.includes(me.role)) return;
  try {
    const list = await api('/bulletins?kind=weekly&count=8');
    $('bulletins').replaceChildren(h('table', { class: 'stack' },
      h('thead', {}, h('tr', {}, ['周', '期间', '状态', '下载'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, list.items.map(bulletinRow))));
    $('bulletins-card').hidden = false;
  } catch (err) {
    show($('error'), err.message, 'error');
  }
}

function ledger(ext) {
  return async () => {
    const params = new URLSearchParams();
    const [from, to, status] = [$('ledger-from').value, $('ledger-to').value, $('ledger-status').value];
    if (from || to) { params.set('from', from || to); params.set('to', to || from); }
    if (status) params.set('status', status);
    $('ledger-status-text').textContent = '…';
    try {
      await download(`/exports/cases.${ext}?${params}`, `cases.${ext}`);
      $('ledger-status-text').textContent = `${t('已下载')} cases.${ext}`;
    } catch (err) {
      $('ledger-status-text').textContent = err.message;
    }
  };
}

function start() {
  $('ledger-status').replaceChildren(...STATUSES.map(([v, zh]) => h('option', { value: v }, t(zh))));
  $('ledger-xlsx').addEventListener('click', ledger('xlsx'));
  $('ledger-csv').addEventListener('click', ledger('csv'));
  return render();
}

signedIn(() => me && render()).then((s) => { me = s; start(); });
