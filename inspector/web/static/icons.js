// Pictograms for the category picker, drawn as inline SVG (no icon font, no emoji font needed).
// Keyed by the category code's first two digits (the demo's families of problems).

const NS = 'http://www.w3.org/2000/svg';
const PATHS = {
  '01': 'M4 9h16l-2 9H6zM7 9l2-5h6l2 5M9 13h6', // stall / cart
  '02': 'M3 14l2-6h14l2 6v4H3zM6 18v2M18 18v2M7 14h.01M17 14h.01', // parked car
  '03': 'M6 7h12l-1 13H7zM4 7h16M9 4h6v3M10 11v6M14 11v6', // litter bin
  '04': 'M5 3h14v18H5zM8 7h8M8 11h8M8 15h5', // posters, ads
  '05': 'M3 11l9-7 9 7M6 10v10h12V10M10 20v-5h4v5', // structure
  '06': 'M14 4a4 4 0 0 0 5 5l-9 9a2 2 0 0 1-3-3l9-9a4 4 0 0 0-2-2z', // facility repair
};
const FALLBACK = 'M12 3a9 9 0 1 1 0 18a9 9 0 0 1 0-18zM12 8v5M12 16h.01';

export function categoryIcon(code) {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', PATHS[String(code).slice(0, 2)] || FALLBACK);
  svg.append(path);
  return svg;
}
