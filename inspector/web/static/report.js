// /m/ 随手拍: photos, position, category, description, phone -> the outbox -> the server.
import { $, api, h, initLang, locate, message, show, t, uuid4 } from './common.js';
import { categoryIcon } from './icons.js';
import { deliver, flush, Offline, pending, put } from './outbox.js';
import { prepare } from './photos.js';
import { moved, positionPicker } from './posmap.js';

const MAX_PHOTOS = 9;
const QUICK = ['0101', '0201', '0202', '0301', '0401', '0605', '0603', '0601'];

const state = { photos: [], fix: null, at: null, categories: [] };

// ------------------------------------------------------------------ photos
async function addFiles(files) {
  for (const file of [...files].slice(0, MAX_PHOTOS - state.photos.length)) {
    const ready = await prepare(file);
    state.photos.push({ blob: ready, name: ready.name || file.name, url: URL.createObjectURL(ready) });
  }
  renderThumbs();
}

function renderThumbs() {
  const box = $('thumbs');
  box.querySelectorAll('.thumb').forEach((el) => el.remove());
  state.photos.forEach((p, i) => {
    box.insertBefore(
      h('figure', { class: 'thumb' },
        h('img', { src: p.url, alt: `${t('照片')} ${i + 1}` }),
        h('button', {
          type: 'button', class: 'remove', 'aria-label': `删除照片 ${i + 1}`,
          onclick: () => { URL.revokeObjectURL(p.url); state.photos.splice(i, 1); renderThumbs(); },
        }, '×')),
      $('add-photo'));
  });
  $('add-photo').hidden = state.photos.length >= MAX_PHOTOS;
}

// ------------------------------------------------------------------ position
// The chosen point (WGS-84): the phone's fix until the resident moves the pin.
function position() {
  return state.at || state.fix;
}

const picker = positionPicker($('pos-map'), '位置地图:拖动或点按地图移动图钉', (at) => {
  state.at = at;
  describePlace();
});

async function describePlace() {
  const at = position();
  picker.show(state.fix, at);
  if (!at) {
    $('pos-status').textContent = t('未能定位:将使用照片中的位置(请允许定位以便准确派单)');
    return;
  }
  const accuracy = `${t('精度约')} ${Math.round(state.fix.accuracy)} ${t('米')}`;
  $('pos-status').textContent = accuracy;
  try {
    const place = await api(`/zones/locate?lat=${at.lat}&lon=${at.lon}&geometry=true`, { auth: false });
    $('pos-status').textContent = `${place.address || place.grid.name} · ${accuracy}`;
    picker.grid(place.grid.geometry);
  } catch (err) {
    $('pos-status').textContent = `${err.message} · ${accuracy}`;
  }
}

async function relocate() {
  $('pos-status').textContent = t('正在定位…');
  state.fix = await locate();
  state.at = null;
  await describePlace();
}

// ------------------------------------------------------------------ categories
async function loadCategories() {
  try {
    const list = await api('/categories?limit=200', { auth: false });
    state.categories = list.items;
  } catch {
    return; // offline: the category stays optional for residents
  }
  renderCategories();
}

function renderCategories() {
  const select = $('category');
  const chosen = select.value;
  select.replaceChildren(h('option', { value: '' }, t('请选择')));
  const families = new Map();
  for (const c of state.categories) {
    if (!families.has(c.family_name)) families.set(c.family_name, []);
    families.get(c.family_name).push(c);
  }
  for (const [family, items] of families) {
    select.append(h('optgroup', { label: family },
      items.map((c) => h('option', { value: c.code }, c.name))));
  }
  select.value = chosen;
  const quick = $('quick');
  quick.replaceChildren();
  for (const code of QUICK) {
    const c = state.categories.find((x) => x.code === code);
    if (!c) continue;
    quick.append(h('button', {
      type: 'button', class: 'chip', 'data-code': c.code, 'aria-pressed': String(select.value === c.code),
      onclick: () => { select.value = c.code; syncQuick(); },
    }, categoryIcon(c.code), h('span', {}, c.name)));
  }
}

function syncQuick() {
  for (const b of $('quick').querySelectorAll('.chip')) {
    b.setAttribute('aria-pressed', String(b.dataset.code === $('category').value));
  }
}

// ------------------------------------------------------------------ sending
function showOutbox(count) {
  $('outbox').hidden = count === 0;
  $('outbox-text').textContent = `${t('网络不通,已保存在手机上,联网后自动重新发送')}(${t('等待发送')} ${count})`;
}

let retryTimer = null;
function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(retryAll, 10000);
}

async function retryAll() {
  const waiting = await flush((item, outcome) => {
    if (outcome.done) showResult(outcome.done);
    if (outcome.failed) show($('form-error'), message(outcome.failed.message), 'error');
  });
  showOutbox(waiting);
  if (waiting) scheduleRetry();
}

function showResult(body) {
  $('report-form').hidden = true;
  $('result').hidden = false;
  $('case-number').textContent = body.case?.number || `#${body.id}`;
  $('follow').href = `/m/mine#r${body.id}`;
  $('result-warnings').replaceChildren(
    ...(body.warnings || []).map((w) => h('li', {}, message(w.message))));
  $('result').scrollIntoView();
}

async function submit(event) {
  event.preventDefault();
  const error = $('form-error');
  show(error, '');
  if (!state.photos.length) {
    show(error, t('请至少拍一张照片'), 'error');
    return;
  }
  const at = position();
  const item = {
    client_id: uuid4(),
    // Kept with the report: a re-send shows it, so nobody who only saw the client_id can claim it.
    retry_secret: uuid4().replaceAll('-', ''),
    created_at: new Date().toISOString(),
    fields: {
      lat: at?.lat, lon: at?.lon, coord_sys: at ? 'wgs84' : null,
      accuracy_m: at ? Math.round(state.fix.accuracy * 10) / 10 : null,
      category_code: $('category').value, description: $('description').value.trim(),
      phone: $('phone').value.trim(),
    },
    photos: state.photos.map((p) => ({ blob: p.blob, name: p.name })),
  };
  await put(item); // kept before the first byte goes out: a dead network or a closed tab loses nothing
  $('submit').disabled = true;
  $('progress-box').hidden = false;
  $('progress').value = 0;
  try {
    const outcome = await deliver(item, (f) => { $('progress').value = Math.round(f * 100); });
    if (outcome.done) {
      resetForm();
      showResult(outcome.done);
    } else {
      show(error, message(outcome.failed.message), 'error');
    }
  } catch (err) {
    if (!(err instanceof Offline)) throw err;
    resetForm();
    showOutbox((await pending()).length);
    scheduleRetry();
  } finally {
    $('submit').disabled = false;
    $('progress-box').hidden = true;
  }
}

function resetForm() {
  state.photos.forEach((p) => URL.revokeObjectURL(p.url));
  state.photos = [];
  $('description').value = '';
  renderThumbs();
}

// ------------------------------------------------------------------ start
$('add-photo').addEventListener('click', () => $('photo-input').click());
$('photo-input').addEventListener('change', (e) => { addFiles(e.target.files); e.target.value = ''; });
$('category').addEventListener('change', syncQuick);
$('report-form').addEventListener('submit', submit);
$('relocate').addEventListener('click', relocate);
$('retry').addEventListener('click', retryAll);
$('again').addEventListener('click', () => { $('result').hidden = true; $('report-form').hidden = false; });
for (const b of document.querySelectorAll('.nudge [data-dx]')) {
  b.addEventListener('click', () => {
    if (!state.fix) return;
    state.at = moved(position(), { dx: Number(b.dataset.dx), dy: Number(b.dataset.dy) });
    describePlace();
  });
}
window.addEventListener('online', retryAll);
initLang(() => { renderCategories(); describePlace(); });
loadCategories();
relocate();
retryAll();
