// /console/map: the open cases this person can see, over the grid boundaries coloured by load.
// Only what is in view is asked for (bbox=): a city of 50,000 grids never comes down whole.
import { $, api, h, show, t } from './common.js';
import { L, LOADS, caseMarker, loadIndex, makeMap, zoneStyle } from './lmap.js';
import { signedIn } from './staff.js';

const GRID_ZOOM = 14; // below this a view holds too many grids to draw: cases only
const MAX_CASES = 1000; // five pages of 200; beyond that the notice says the view is cut
let me = null;
let m = null;
let layer = null;
let seq = 0;

async function openCases(box) {
  const cases = [];
  let cursor = null;
  do {
    const page = await api(`/cases?open=true&bbox=${box.join(',')}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    cases.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && cases.length < MAX_CASES);
  return { cases, more: Boolean(cursor) };
}

function legend() {
  $('legend').replaceChildren(t('每个网格的未办结案件'),
    ...LOADS.map(([n, label]) => h('span', {}, h('i', { class: `load${loadIndex(n)}` }), label)),
    h('span', {}, h('i', { class: 'pt-late' }), t('超期')));
}

async function draw() {
  const mine = (seq += 1);
  const box = m.bbox();
  const gridsWanted = m.map.getZoom() >= GRID_ZOOM;
  try {
    const [{ cases, more }, grids] = await Promise.all([
      openCases(box),
      gridsWanted ? api(`/zones/export?level=grid&bbox=${box.join(',')}`) : { features: [] },
    ]);
    if (mine !== seq) return; // the view moved on while this was loading
    const perGrid = new Map();
    for (const c of cases) perGrid.set(c.grid_code, (perGrid.get(c.grid_code) || 0) + 1);
    const next = L.layerGroup();
    for (const f of grids.features) {
      const n = perGrid.get(f.properties.code) || 0;
      m.geometry(f.geometry, zoneStyle(n)).bindTooltip(h('span', {}, `${f.properties.name}: ${n}`), { sticky: true }).addTo(next);
    }
    for (const c of cases) {
      const tip = h('span', {}, h('strong', {}, c.number), ` ${c.category_name || ''} · ${c.status_name}`);
      caseMarker(m, c, 6).bindTooltip(tip).on('click', () => { location.href = `/console/cases/${c.id}`; }).addTo(next);
    }
    layer?.remove();
    layer = next.addTo(m.map);
    const notes = [];
    if (!gridsWanted) notes.push(t('放大地图以显示网格'));
    if (more) notes.push(`${t('只显示前')} ${cases.length} ${t('件')}`);
    $('map-note').textContent = notes.join(' · ');
    $('map-list').replaceChildren(...cases.slice(0, 50).map((c) => h('li', {},
      h('a', { href: `/console/cases/${c.id}` }, c.number), ` ${c.category_name || ''} · ${c.status_name}`)));
  } catch (err) {
    show($('error'), err.message, 'error');
  }
}

async function start() {
  legend();
  if (m) return draw();
  m = makeMap($('citymap'), t('未办结案件与网格'));
  try {
    // The city's extent from its districts (a handful of rows), then the grids in view.
    const districts = (await api('/zones?level=district&limit=200')).items;
    if (districts.length) {
      const box = districts.map((z) => z.bbox).reduce((a, b) => [
        Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])]);
      const view = new URLSearchParams(location.hash.slice(1));
      if (view.has('lat')) m.map.setView(m.toMap(Number(view.get('lat')), Number(view.get('lon'))), Number(view.get('z')) || 16);
      else m.fit(box);
    } else {
      m.map.setView([35, 105], 4);
    }
  } catch (err) {
    show($('error'), err.message, 'error');
    return null;
  }
  m.map.on('moveend', draw);
  return draw();
}

signedIn(() => me && start()).then((s) => { me = s; start(); });
