// Maps without tiles: GeoJSON polygons and points drawn as SVG in a local equirectangular
// projection (x = lon * cos(lat0), y = -lat), which is faithful at the scale of a city.
const NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, v);
  return node;
}

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return geometry.coordinates;
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.flat();
  return [];
}

/**
 * Draw features (each {geometry, className, title, href}) and points ({lat, lon, className,
 * title, href, r}) into svg, fitted to their extent. r is in screen pixels of an 800 px map.
 */
export function drawMap(svg, features, points) {
  svg.replaceChildren();
  const lons = [];
  const lats = [];
  for (const f of features) for (const ring of rings(f.geometry)) for (const [x, y] of ring) { lons.push(x); lats.push(y); }
  for (const p of points) { lons.push(p.lon); lats.push(p.lat); }
  if (!lons.length) return;
  const lat0 = (Math.min(...lats) + Math.max(...lats)) / 2;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const project = (lon, lat) => [lon * k, -lat];
  const [x0, y0] = project(Math.min(...lons), Math.max(...lats));
  const [x1, y1] = project(Math.max(...lons), Math.min(...lats));
  const span = Math.max(x1 - x0, y1 - y0, 0.0005);
  const pad = span * 0.06;
  svg.setAttribute('viewBox', `${x0 - pad} ${y0 - pad} ${x1 - x0 + 2 * pad || span} ${y1 - y0 + 2 * pad || span}`);
  svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  const unit = (span + 2 * pad) / 400; // r is in pixels of a map 400 px across
  for (const f of features) {
    const d = rings(f.geometry).map((ring) => `M${ring.map(([x, y]) => project(x, y).join(',')).join('L')}Z`).join('');
    const path = el('path', { d, class: f.className || 'zone' });
    if (f.title) path.append(Object.assign(el('title'), { textContent: f.title }));
    svg.append(f.href ? wrapLink(path, f.href) : path);
  }
  for (const p of points) {
    const [cx, cy] = project(p.lon, p.lat);
    const dot = el('circle', { cx, cy, r: (p.r || 7) * unit, class: p.className || 'pt' });
    if (p.title) dot.append(Object.assign(el('title'), { textContent: p.title }));
    svg.append(p.href ? wrapLink(dot, p.href, p.title) : dot);
  }
}

function wrapLink(node, href, label) {
  const a = el('a', { href, 'aria-label': label });
  a.append(node);
  return a;
}
