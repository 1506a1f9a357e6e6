// /m/tasks: the grid worker's tasks in his grids (tips to verify, rectifications to check),
// nearest first, each with its on-site photo step.
import { $, api, distanceM, h, locate, show, t, uuid4 } from './common.js';
import { prepare } from './photos.js';
import { signedIn } from './staff.js';

const KINDS = [
  { status: 'verifying', label: '待核实', action: 'verify', button: '现场核实' },
  { status: 'rectified', label: '待核查', action: 'check', button: '现场核查' },
];
let me = null;
let here = null;

function distanceText(c) {
  if (!here) return '';
  const m = distanceM(here, c);
  return m < 1000 ? `${t('约')} ${Math.round(m)} ${t('米')}` : `${t('约')} ${(m / 1000).toFixed(1)} km`;
}

function taskCard(c, kind) {
  const photoId = `photo-${c.id}`;
  const status = h('p', { role: 'status', class: 'hint' });
  const extra = kind.action === 'check'
    ? [h('div', { class: 'row', role: 'radiogroup', 'aria-label': t('核查结论') },
      h('label', {}, h('input', { type: 'radio', name: 'passed', value: 'true', checked: true }), t('通过')),
      h('label', {}, h('input', { type: 'radio', name: 'passed', value: 'false' }), t('不通过'))),
    h('label', { for: `note-${c.id}` }, t('说明')), h('textarea', { id: `note-${c.id}`, name: 'note', rows: 2 })]
    : [];
  const key = uuid4();
  const form = h('form', { class: 'action-form' },
    h('label', { for: photoId }, t('现场照片')),
    h('input', { id: photoId, name: 'photo', type: 'file', accept: 'image/*', capture: 'environment' }),
    ...extra,
    h('button', { type: 'submit', class: 'primary' }, kind.button), status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button');
    button.disabled = true;
    status.textContent = '…';
    try {
      const data = new FormData(form);
      const body = new FormData();
      const file = data.get('photo');
      if (file && file.size) body.append('photo', await prepare(file), file.name || 'photo.jpg');
      if (kind.action === 'check') body.append('passed', data.get('passed'));
      if (data.get('note')) body.append('note', data.get('note'));
      const now = await locate(10000);
      if (now) { body.append('lat', now.lat); body.append('lon', now.lon); }
      await api(`/cases/${c.id}/${kind.action}`, { method: 'POST', form: body, headers: { 'Idempotency-Key': key } });
      status.textContent = `${kind.button} ✓`;
      form.replaceWith(h('p', { class: 'notice ok' }, `${kind.button} ✓`));
    } catch (err) {
      status.textContent = err.message;
      button.disabled = false;
    }
  });
  return h('li', { class: 'card', id: `task-${c.id}` },
    h('h2', {}, h('span', { class: 'status' }, t(kind.label)), ' ', h('a', { href: `/console/cases/${c.id}` }, c.number)),
    h('p', {}, `${c.category_name || ''} · ${c.address || c.grid_name || ''}`),
    h('p', { class: 'hint' }, `${t('距离')} ${distanceText(c)}`),
    c.description ? h('p', {}, c.description) : null,
    form);
}

async function render() {
  try {
    here = await locate();
    $('where').textContent = here ? `${t('精度约')} ${Math.round(here.accuracy)} ${t('米')}` : t('未能定位');
    const found = [];
    for (const kind of KINDS) {
      const answer = await api(`/cases?status=${kind.status}&limit=200`);
      for (const c of answer.items) found.push([c, kind]);
    }
    if (here) found.sort(([a], [b]) => distanceM(here, a) - distanceM(here, b));
    $('tasks').replaceChildren(...(found.length ? found.map(([c, k]) => taskCard(c, k)) : [h('li', { class: 'card' }, t('没有待办任务'))]));
  } catch (err) {
    show($('error'), err.message, 'error');
  }
}

signedIn(() => me && render()).then((s) => { me = s; render(); });
