// /console/cases/{id}: photos before and after, the place on a map, the timeline, and one
// button per action the API allows this person now (named as ACTION_ZH names them).
import { $, api, fmtTime, h, locate, show, t, uuid4 } from './common.js';
import { caseMarker, makeMap, zoneStyle } from './lmap.js';
import { prepare } from './photos.js';
import { signedIn, statusBadge } from './staff.js';

const CASE_ID = Number($('case').dataset.caseId);
const ONSITE = new Set(['verify', 'rectify', 'check']);
// action -> the fields it needs (! required); the server checks them again.
const FIELDS = {
  verify: ['photo'], file: ['category'], reject: ['note!'], dispatch: ['unit'], return: ['note!'],
  'request-extension': ['value!', 'unit_kind!', 'note!'], rectify: ['photo!', 'note'],
  check: ['passed!', 'photo', 'note'], reopen: ['note!'], merge: ['into!', 'note'], escalate: ['note'],
  void: ['note!'], rate: ['score!', 'note'],
};
// Secondary and negative actions open on demand: fewer mis-clicks, and "不予立案" is not shown
// as a second button containing "立案" until asked for.
const FOLDED = new Set(['reject', 'return', 'void', 'reopen', 'deny-extension', 'merge', 'request-extension']);
const lists = {};
let me = null;

async function list(path) {
  if (!lists[path]) lists[path] = api(path).then((a) => a.items).catch(() => []);
  return lists[path];
}

function photoStrip(photos, label) {
  return h('div', {}, h('h3', {}, t(label)),
    photos.length
      ? h('div', { class: 'photos' }, photos.map((p, i) => h('a', { href: p.url, target: '_blank', rel: 'noopener' },
        h('img', { src: p.thumb_url, alt: `${t(label)} ${i + 1}` }))))
      : h('p', { class: 'hint' }, '—'));
}

function before(c) { return c.reports.flatMap((r) => r.photos); }
function after(c) {
  const done = c.timeline.filter((e) => e.action === 'rectify');
  return done.length ? done[done.length - 1].photos : [];
}

function facts(c) {
  const rows = [
    ['类别', c.category_name], ['地址', c.address], ['网格', `${c.grid_name || ''} ${c.grid_code || ''}`],
    ['单位', c.unit_name], ['上报时间', fmtTime(c.created_at)], ['到期', fmtTime(c.due_at)],
  ];
  const phones = c.reports.map((r) => r.phone).filter(Boolean);
  if (phones.length) rows.push(['联系电话', phones.join(', ')]);
  // Open311 senders' email and names: in the answer only for the staff who see the phone.
  const contacts = c.reports.map((r) => r.contact).filter(Boolean)
    .map((x) => [`${x.last_name || ''}${x.first_name || ''}`, x.email].filter(Boolean).join(' '))
    .filter(Boolean);
  if (contacts.length) rows.push(['联系人', contacts.join(', ')]);
  return h('dl', { class: 'facts' }, rows.filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]));
}

function timeline(c) {
  return h('ol', { class: 'timeline' }, c.timeline.map((e) => h('li', {},
    h('time', { datetime: e.at }, fmtTime(e.at)),
    h('strong', {}, e.action_name), ' ', `${e.actor.role_name}${e.actor.name ? ` ${e.actor.name}` : ''}`,
    e.data?.routing?.reason ? h('div', { class: 'hint' }, e.data.routing.reason) : null,
    e.note ? h('div', {}, e.note) : null,
    e.photos.length ? h('div', { class: 'photos' }, e.photos.map((p) => h('img', { src: p.thumb_url, alt: e.action_name }))) : null)));
}

let shownMap = null;

/** The case's grid and the point, drawn once the element is in the page (Leaflet measures it). */
async function mapOf(c) {
  const el = h('div', { class: 'casemap' });
  let features = [];
  if (c.grid_code) {
    try {
      features = (await api(`/zones/export?level=grid&code=${encodeURIComponent(c.grid_code)}`)).features;
    } catch { /* the point alone still shows */ }
  }
  const draw = () => {
    shownMap?.map.remove();
    const m = makeMap(el, `${t('地图')}: ${c.grid_name || ''} ${c.number}`);
    shownMap = m;
    const zones = features.map((f) => m.geometry(f.geometry, zoneStyle(0)));
    // The view first: Leaflet draws vector layers only on a map that has one.
    if (zones.length) m.map.fitBounds(zones[0].getBounds(), { padding: [20, 20] });
    else m.map.setView(m.toMap(c.lat, c.lon), 17);
    zones.forEach((z) => z.addTo(m.map));
    caseMarker(m, c, 9).bindTooltip(h('span', {}, c.number)).addTo(m.map);
  };
  return { el, draw };
}

// ------------------------------------------------------------------ action forms
let seq = 0;
async function field(name, c) {
  const required = name.endsWith('!');
  const key = name.replace('!', '');
  const id = `f${(seq += 1)}`;
  const label = (text) => h('label', { for: id }, t(text));
  if (key === 'note') return [label('说明'), h('textarea', { id, name: 'note', rows: 2, required })];
  if (key === 'photo') {
    return [label('现场照片'), h('input', { id, name: 'photo', type: 'file', accept: 'image/*', capture: 'environment', multiple: true, required })];
  }
  if (key === 'category') {
    const cats = await list('/categories?limit=200');
    return [label('类别'), h('select', { id, name: 'category_code' },
      cats.map((x) => h('option', { value: x.code, selected: x.code === c.category_code }, x.name)))];
  }
  if (key === 'unit') {
    const units = await list('/units?limit=200');
    let hint = t('按分派规则');
    if (c.category_code && ['dispatcher', 'admin', 'supervisor'].includes(me.role)) {
      try {
        const r = await api(`/routing/decide?category_code=${c.category_code}&lat=${c.lat}&lon=${c.lon}`);
        hint = `${t('按分派规则')}: ${r.decision.reason_zh}`;
      } catch { /* shown without a hint */ }
    }
    return [label('单位'), h('select', { id, name: 'unit_code' }, h('option', { value: '' }, hint),
      units.map((u) => h('option', { value: u.code }, u.name)))];
  }
  if (key === 'value') return [label('延期时长'), h('input', { id, name: 'value', type: 'number', min: 1, max: 1000, required })];
  if (key === 'unit_kind') {
    return [label('单位'), h('select', { id, name: 'unit' },
      h('option', { value: 'work_hours' }, t('工作时')), h('option', { value: 'work_days' }, t('工作日')))];
  }
  if (key === 'into') return [label('合并到案件'), h('input', { id, name: 'into', type: 'number', required, value: c.duplicate_of || '' })];
  if (key === 'passed') {
    return [h('div', { class: 'row', role: 'radiogroup', 'aria-label': t('核查结论') },
      h('label', {}, h('input', { type: 'radio', name: 'passed', value: 'true', checked: true }), t('通过')),
      h('label', {}, h('input', { type: 'radio', name: 'passed', value: 'false' }), t('不通过')))];
  }
  if (key === 'score') return [label('评价'), h('input', { id, name: 'score', type: 'number', min: 1, max: 5, required })];
  return [];
}

async function actionForm(c, action) {
  const fields = (await Promise.all((FIELDS[action.action] || []).map((f) => field(f, c)))).flat();
  const status = h('p', { role: 'status', class: 'hint' });
  const form = h('form', { class: 'action-form', 'data-action': action.action }, fields,
    h('button', { type: 'submit', class: 'small' }, action.name), status);
  const key = uuid4(); // one Idempotency-Key per form: a double click acts once
  const shown = FOLDED.has(action.action)
    ? h('details', { class: 'folded' }, h('summary', {}, `${action.name}…`), form)
    : form;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    status.textContent = '…';
    try {
      const data = new FormData(form);
      const files = [];
      for (const file of data.getAll('photo')) if (file && file.size) files.push(await prepare(file));
      data.delete('photo');
      const values = {};
      for (const [k, v] of data.entries()) if (v !== '') values[k] = v;
      if (c.version) values.version = c.version; // where the API claims versions: no stale clicks
      if (ONSITE.has(action.action)) {
        const here = await locate(10000);
        if (here) Object.assign(values, { lat: here.lat, lon: here.lon });
      }
      let answer;
      const headers = { 'Idempotency-Key': key };
      if (files.length) {
        const form = new FormData();
        for (const [k, v] of Object.entries(values)) form.append(k, v);
        files.forEach((f) => form.append('photo', f, f.name || 'photo.jpg'));
        answer = await api(`/cases/${c.id}/${action.action}`, { method: 'POST', form, headers });
      } else {
        for (const k of ['value', 'into', 'score']) if (k in values) values[k] = Number(values[k]);
        if ('passed' in values) values.passed = values.passed === 'true';
        answer = await api(`/cases/${c.id}/${action.action}`, { method: 'POST', json: values, headers });
      }
      await render(answer, `${action.name} ✓`);
    } catch (err) {
      status.textContent = err.message;
      button.disabled = false;
    }
  });
  return shown;
}

// ------------------------------------------------------------------ page
async function duplicatePanel(c) {
  if (!c.duplicate_of) return null;
  try {
    const other = await api(`/cases/${c.duplicate_of}`);
    return h('section', { class: 'card', id: 'duplicate' }, h('h2', {}, t('疑似重复')),
      h('div', { class: 'side-by-side' },
        h('div', {}, h('h3', {}, c.number), photoStrip(before(c), '整改前'), h('p', {}, c.description || '')),
        h('div', {}, h('h3', {}, h('a', { href: `/console/cases/${other.id}` }, other.number)), statusBadge(other),
          photoStrip(before(other), '整改前'), h('p', {}, other.description || ''))));
  } catch {
    return null;
  }
}

async function render(c, done) {
  document.title = `${t('案件')} ${c.number}`;
  const forms = await Promise.all(c.actions.map((a) => actionForm(c, a)));
  const map = await mapOf(c);
  const parts = [
    h('h1', {}, `${t('案件')} ${c.number} `, statusBadge(c)),
    done ? h('p', { class: 'notice ok', role: 'status' }, done) : null,
    await duplicatePanel(c),
    h('div', { class: 'case-grid' },
      h('div', {},
        h('section', { class: 'card' }, c.description ? h('p', {}, c.description) : null,
          photoStrip(before(c), '整改前'), photoStrip(after(c), '整改后')),
        h('section', { class: 'card' }, h('h2', {}, t('地图')), map.el, facts(c))),
      h('div', {},
        h('section', { class: 'card', 'aria-labelledby': 'actions-title' }, h('h2', { id: 'actions-title' }, t('操作')),
          forms.length ? forms : h('p', { class: 'hint' }, '—')),
        h('section', { class: 'card' }, h('h2', {}, t('时间线')), timeline(c)))),
  ];
  $('case').replaceChildren(...parts.filter(Boolean));
  map.draw();
}

async function load() {
  try {
    await render(await api(`/cases/${CASE_ID}`));
  } catch (err) {
    show($('error'), err.message, 'error');
  }
}

signedIn(() => me && load()).then((s) => { me = s; load(); });
