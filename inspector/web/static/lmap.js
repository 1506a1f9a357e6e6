// Leaflet maps (vendor/leaflet, served by us) over the tile source the server is configured with
// (the <meta name="inspector-map"> the page carries; none by default: the grid boundaries alone).
// Our data is WGS-84; points and shapes pass through the tiles' system on the way in and out.
import './vendor/leaflet/leaflet.js';
import { projector } from './coords.js';

export const L = window.L;

export function mapSettings() {
  try {
    return JSON.parse(document.querySelector('meta[name="inspector-map"]').content);
  } catch {
    return { tiles: 'none', coord_sys: 'wgs84' };
  }
}

/**
 * A Leaflet map in `el`, labelled for screen readers. Returns {map, toMap(lat, lon) -> LatLng,
 * fromMap(latLng) -> {lat, lon} (WGS-84), geometry(geojson, style) -> layer, bbox() -> WGS-84
 * [minLon, minLat, maxLon, maxLat] of the view}.
 */
export function makeMap(el, label) {
  const cfg = mapSettings();
  const proj = projector(cfg.coord_sys);
  const maxZoom = cfg.max_zoom || 19;
  const map = L.map(el, { maxZoom, zoomSnap: 0.5 });
  map.attributionControl.setPrefix('Leaflet');
  for (const url of [cfg.url, cfg.overlay]) {
    if (!url || cfg.tiles === 'none') continue;
    const options = { maxZoom, attribution: url === cfg.url ? cfg.attribution : '', k: cfg.key };
    if (cfg.subdomains) options.subdomains = cfg.subdomains;
    L.tileLayer(url, options).addTo(map);
  }
  if (cfg.tiles === 'none') el.classList.add('no-tiles');
  el.setAttribute('role', 'region');
  el.setAttribute('aria-label', label);
  const toMap = (lat, lon) => L.latLng(...proj.toMap(lat, lon));
  const fromMap = (ll) => {
    const [lat, lon] = proj.fromMap(ll.lat, ll.lng);
    return { lat, lon };
  };
  return {
    map,
    toMap,
    fromMap,
    geometry: (geojson, style) => L.geoJSON(geojson, { style, coordsToLatLng: ([lon, lat]) => toMap(lat, lon) }),
    bbox() {
      const b = map.getBounds();
      const sw = fromMap(b.getSouthWest());
      const ne = fromMap(b.getNorthEast());
      return [sw.lon, sw.lat, ne.lon, ne.lat];
    },
    /** Fit to a WGS-84 [minLon, minLat, maxLon, maxLat]. */
    fit(box, options) {
      map.fitBounds(L.latLngBounds(toMap(box[1], box[0]), toMap(box[3], box[2])), options);
    },
  };
}

/** Grid fill by the number of open cases: the legend's classes and the map's colours agree. */
export const LOADS = [[0, '0', '#f4f7f1'], [1, '1', '#fde8b4'], [2, '2–3', '#f7b267'], [4, '4+', '#e4572e']];

export function loadIndex(n) {
  if (n >= 4) return 3;
  if (n >= 2) return 2;
  return n >= 1 ? 1 : 0;
}

export function zoneStyle(n) {
  const i = loadIndex(n);
  return { color: '#6d7f64', weight: 1, fillColor: LOADS[i][2], fillOpacity: 0.7, className: `zone load${i}` };
}

export function caseMarker(m, c, radius = 7) {
  return L.circleMarker(m.toMap(c.lat, c.lon), {
    radius, color: '#fff', weight: 2, fillColor: c.overdue ? '#7a1712' : '#1a56a8', fillOpacity: 1,
    className: c.overdue ? 'pt late' : 'pt case',
  });
}
