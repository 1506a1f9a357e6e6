// The position without map tiles: the phone's fix at the centre, its accuracy circle, the
// point as moved by the resident (metres east/north), and a 20 m scale. 1 SVG unit = 1 metre.
const NS = 'http://www.w3.org/2000/svg';
const M_PER_DEG = 111320;

export function moved(fix, offset) {
  const lat = fix.lat + offset.dy / M_PER_DEG;
  const lon = fix.lon + offset.dx / (M_PER_DEG * Math.cos((fix.lat * Math.PI) / 180));
  return { lat, lon };
}

function el(tag, attrs) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

export function drawPosition(svg, fix, offset) {
  svg.replaceChildren();
  for (let v = -60; v <= 60; v += 20) {
    svg.append(el('line', { x1: v, y1: -60, x2: v, y2: 60, class: 'grid-line' }));
    svg.append(el('line', { x1: -60, y1: v, x2: 60, y2: v, class: 'grid-line' }));
  }
  svg.append(el('text', { x: 0, y: -50, class: 'compass', 'text-anchor': 'middle' }));
  svg.lastChild.textContent = 'N';
  svg.append(el('line', { x1: -55, y1: 55, x2: -35, y2: 55, class: 'scale' }));
  svg.append(el('text', { x: -45, y: 51, class: 'scale-text', 'text-anchor': 'middle' }));
  svg.lastChild.textContent = '20 m';
  if (!fix) return;
  const r = Math.min(58, Math.max(2, fix.accuracy || 0));
  svg.append(el('circle', { cx: 0, cy: 0, r, class: 'accuracy' }));
  svg.append(el('circle', { cx: 0, cy: 0, r: 1.5, class: 'fix' }));
  const x = Math.max(-58, Math.min(58, offset.dx));
  const y = Math.max(-58, Math.min(58, -offset.dy));
  svg.append(el('circle', { cx: x, cy: y, r: 4, class: 'pin' }));
}
