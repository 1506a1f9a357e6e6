// /m/mine 我的上报: every report this browser sent, followed by the tracking token it keeps
// (anonymous residents have no account). Status in plain words, timeline, after-photo, rating.
import { $, api, fmtTime, h, initLang, message, show, t } from './common.js';
import { pending, receipts } from './outbox.js';


function query(receipt) {
  return receipt.token ? `?token=${encodeURIComponent(receipt.token)}` : '';
}

function photos(list, label) {
  if (!list?.length) return null;
  return h('div', {},
    h('h3', {}, t(label)),
    h('div', { class: 'photos' }, list.map((p, i) => h('a', { href: p.url, target: '_blank', rel: 'noopener' },
      h('img', { src: p.thumb_url, alt: `${t(label)} ${i + 1}`})))));
}

function timeline(events) {
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', {},
    h('time', { datetime: e.at }, fmtTime(e.at)),
    h('strong', {}, e.action_name), ' ', e.actor?.role_name ? `(${e.actor.role_name})` : '',
    e.note ? h('div', {}, e.note) : null)));
}

function ratingForm(receipt, report) {
  const box = h('form', { class: 'rating' });
  let score = 0;
  const note = h('textarea', { id: `rate-note-${report.id}`, rows: 2, maxlength: 2000 });
  const stars = h('div', { class: 'stars', role: 'group', 'aria-label': t('满意度') },
    [1, 2, 3, 4, 5].map((n) => h('button', {
      type: 'button', 'aria-pressed': 'false', 'aria-label': `${n} 星`,
      onclick: (ev) => {
        score = n;
        for (const b of stars.children) b.setAttribute('aria-pressed', String(b === ev.currentTarget));
      },
    }, '★'.repeat(1) + n)));
  const status = h('p', { role: 'status' });
  box.append(h('h3', {}, t('评价')), stars,
    h('label', { for: note.id, class: 'label' }, t('说明')), note,
    h('button', { type: 'submit', class: 'primary' }, t('评价')), status);
  box.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!score) { status.textContent = t('请选择满意度'); return; }
    try {
      await api(`/cases/${report.case.id}/rate`, {
        method: 'POST', auth: false, json: { score, note: note.value || null, token: receipt.token },
      });
      render();
    } catch (err) {
      status.textContent = err.message;
    }
  });
  return box;
}

async function card(receipt) {
  const li = h('li', { id: `r${receipt.id}`, class: 'card' });
  try {
    const report = await api(`/reports/${receipt.id}${query(receipt)}`, { auth: false });
    const detail = report.case
      ? await api(`/cases/${report.case.id}${query(receipt)}`, { auth: false }).catch(() => null)
      : null;
    const closed = report.status === 'closed';
    li.append(...[
      h('h2', {}, `${t('案件')} `, h('span', {}, report.case?.number || `#${report.id}`)),
      h('p', {}, h('span', { class: `status ${closed ? 'closed' : ''}` }, report.status_name)),
      h('p', { class: 'hint' }, `${t('上报时间')} ${fmtTime(report.created_at)}`,
        report.grid ? ` · ${report.grid.name}` : ''),
      report.description ? h('p', {}, report.description) : null,
      photos(report.photos, '整改前'),
      photos(report.after_photos, '整改后'),
      detail ? h('details', {}, h('summary', {}, t('时间线')), timeline(detail.timeline)) : null,
      closed && report.rating == null ? ratingForm(receipt, report) : null,
      report.rating != null ? h('p', {}, `${t('评价')}: ${'★'.repeat(report.rating)}`) : null,
    ].filter(Boolean));
  } catch (err) {
    li.append(h('h2', {}, receipt.number || `#${receipt.id}`), h('p', { class: 'notice error' }, message(err.message)));
  }
  return li;
}

async function render() {
  const list = receipts();
  $('empty').hidden = list.length > 0;
  const cards = await Promise.all(list.map(card));
  $('reports').replaceChildren(...cards);
  if (location.hash) document.querySelector(location.hash)?.scrollIntoView();
  const waiting = (await pending()).length;
  $('outbox').hidden = waiting === 0;
  $('outbox-text').textContent = `${t('等待发送')} ${waiting}`;
}

initLang(render);
render().catch((err) => show($('error'), err.message, 'error'));
