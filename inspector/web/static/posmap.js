// The report's position on a Leaflet map: the phone's fix with its accuracy circle, and the pin
// the resident may drag, tap to move, or nudge 5 m at a time with the buttons (which also work
// with no tiles and without a pointer). Positions in and out are WGS-84.
import { L, makeMap } from './lmap.js';

const M_PER_DEG = 111320;

export function moved(at, offset) {
  const lat = at.lat + offset.dy / M_PER_DEG;
  const lon = at.lon + offset.dx / (M_PER_DEG * Math.cos((at.lat * Math.PI) / 180));
  return { lat, lon };
}

/** A picker in `el`; onPick({lat, lon}) when the person moves the pin on the map. */
export function positionPicker(el, label, onPick) {
  let m = null;
  let ring = null;
  let pin = null;
  let outline = null;
  const start = () => {
    m = makeMap(el, label);
    L.control.scale({ imperial: false }).addTo(m.map);
    ring = L.circle([0, 0], { radius: 1, color: '#1a56a8', weight: 1, fillOpacity: 0.12, interactive: false });
    pin = L.marker([0, 0], {
      draggable: true, keyboard: false,
      icon: L.divIcon({ className: 'pin-icon', iconSize: [22, 22], iconAnchor: [11, 11] }),
    });
    pin.on('dragend', () => onPick(m.fromMap(pin.getLatLng())));
    m.map.on('click', (e) => onPick(m.fromMap(e.latlng)));
  };
  return {
    /** The outline of the grid the point lies in (all there is to see without tiles). */
    grid(geometry) {
      outline?.remove();
      outline = m && geometry
        ? m.geometry(geometry, { color: '#6d7f64', weight: 2, fillColor: '#f4f7f1', fillOpacity: 0.5, interactive: false }).addTo(m.map)
        : null;
      outline?.bringToBack();
    },
    /** Show the fix (or hide the map when there is none) and the chosen point. */
    show(fix, at) {
      el.hidden = !fix;
      if (!fix) return;
      if (!m) start();
      m.map.invalidateSize();
      const here = m.toMap(at.lat, at.lon);
      // The view first (Leaflet draws vector layers only on a map that has one).
      // eslint-disable-next-line no-underscore-dangle -- Leaflet's "has a view yet"
      if (!m.map._loaded || !m.map.getBounds().contains(here)) m.map.setView(here, 18);
      ring.setLatLng(m.toMap(fix.lat, fix.lon)).setRadius(Math.max(3, fix.accuracy || 0)).addTo(m.map);
      pin.setLatLng(here).addTo(m.map);
    },
  };
}
