// WGS-84 <-> GCJ-02, the same published formulas as inspector/grid/coords.py (tested against its
// numbers in tests/browser/test_maps.py). We store and send WGS-84; AMap's tiles are drawn in
// GCJ-02, so points are shifted onto them for drawing and shifted back when a person moves a pin.
const A = 6378245.0;
const EE = 0.00669342162296594323;
const PI = Math.PI;

export function outOfChina(lat, lon) {
  return !(lon > 73.66 && lon < 135.05 && lat > 3.86 && lat < 53.55);
}

function transformLat(x, y) {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * PI) + 40.0 * Math.sin((y / 3.0) * PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * PI) + 320 * Math.sin((y * PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLon(x, y) {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * PI) + 40.0 * Math.sin((x / 3.0) * PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * PI) + 300.0 * Math.sin((x / 30.0) * PI)) * 2.0) / 3.0;
  return ret;
}

/** [lat, lon] WGS-84 -> GCJ-02 (unchanged outside China, as every implementation does). */
export function wgs84ToGcj02(lat, lon) {
  if (outOfChina(lat, lon)) return [lat, lon];
  let dLat = transformLat(lon - 105.0, lat - 35.0);
  let dLon = transformLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * PI;
  const magic = 1 - EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * PI);
  dLon = (dLon * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * PI);
  return [lat + dLat, lon + dLon];
}

/** GCJ-02 -> WGS-84 by fixed-point steps (the one-step published inverse is up to ~1 m off). */
export function gcj02ToWgs84(lat, lon) {
  if (outOfChina(lat, lon)) return [lat, lon];
  let [wLat, wLon] = [lat, lon];
  for (let i = 0; i < 30; i += 1) {
    const [fLat, fLon] = wgs84ToGcj02(wLat, wLon);
    const dLat = fLat - lat;
    const dLon = fLon - lon;
    wLat -= dLat;
    wLon -= dLon;
    if (Math.abs(dLat) < 1e-11 && Math.abs(dLon) < 1e-11) break;
  }
  return [wLat, wLon];
}

/** The tiles' system <-> WGS-84, as [lat, lon] pairs. */
export function projector(coordSys) {
  if (coordSys === 'gcj02') return { toMap: wgs84ToGcj02, fromMap: gcj02ToWgs84 };
  return { toMap: (lat, lon) => [lat, lon], fromMap: (lat, lon) => [lat, lon] };
}
