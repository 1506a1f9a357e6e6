// /console/map: the open cases this person can see, over the grid boundaries coloured by load.
import { $, api, h, show, t } from './common.js';
import { drawMap } from './map.js';
import { signedIn } from './staff.js';

const OPEN = ['new', 'verifying', 'filed', 'dispatched', 'returned', 'rectified'];
const LOADS = [[0, '0'], [1, '1'], [2, '2–3'], [4, '4+']];
let me = null;

function loadClass(n) {
  if (n >= 4) return 'load3';
  if (n >= 2) return 'load2';
  return n >= 1 ? 'load1' : 'load0';
}

async function render() {
  try {
    const lists = await Promise.all(OPEN.map((s) => api(`/cases?status=${s}&limit=200`)));
    const cases = lists.flatMap((l) => l.items);
    const perGrid = new Map();
    for (const c of cases) perGrid.set(c.grid_code, (perGrid.get(c.grid_code) || 0) + 1);
    const grids = (await api('/zones/export?level=grid')).features;
    drawMap($('citymap'),
      grids.map((f) => {
        const n = perGrid.get(f.properties.code) || 0;
        return { geometry: f.geometry, className: `zone ${loadClass(n)}`, title: `${f.properties.name}: ${n}` };
      }),
      cases.map((c) => ({
        lat: c.lat, lon: c.lon, className: `pt ${c.overdue ? 'late' : 'case'}`,
        title: `${c.number} ${c.category_name || ''} ${c.status_name}`, href: `/console/cases/${c.id}`, r: 4,
      })));
    $('legend').replaceChildren(t('每个网格的未办结案件'), ...LOADS.map(([n, label]) => h('span', {}, h('i', { class: loadClass(n) }), label)),
      h('span', {}, h('i', { class: 'pt-late' }), t('超期')));
    $('map-list').replaceChildren(...cases.slice(0, 50).map((c) => h('li', {},
      h('a', { href: `/console/cases/${c.id}` }, c.number), ` ${c.category_name || ''} · ${c.status_name}`)));
  } catch (err) {
    show($('error'), err.message, 'error');
  }
}

signedIn(() => me && render()).then((s) => { me = s; render(); });
