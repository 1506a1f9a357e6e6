// Photos are made smaller on the phone before upload when they are large (a 5 MB photo over a
// weak mobile network is the slowest part of a report). Canvas output has no EXIF, and the
// server's checks (where and when the photo was taken) read EXIF: so the original's EXIF block
// is copied into the smaller JPEG, with its orientation set to "upright" because the browser
// has already turned the pixels. Small photos, and what the browser cannot decode (HEIC on
// some phones), go as they are.

export const RESIZE_OVER_BYTES = 1.5 * 1024 * 1024;
export const MAX_EDGE = 1600;
const QUALITY = 0.85;

export async function prepare(file) {
  if (file.size <= RESIZE_OVER_BYTES || !/^image\/(jpeg|png|webp)$/.test(file.type)) return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    return file;
  }
  const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size < 3 * RESIZE_OVER_BYTES) return file;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close?.();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  if (!blob || blob.size >= file.size) return file;
  let bytes = new Uint8Array(await blob.arrayBuffer());
  if (file.type === 'image/jpeg') {
    const exif = exifSegment(new Uint8Array(await file.arrayBuffer()));
    if (exif) bytes = withExif(bytes, uprightExif(exif));
  }
  const name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
  return new File([bytes], name, { type: 'image/jpeg', lastModified: file.lastModified });
}

/** The APP1 "Exif" segment of a JPEG (marker to end), or null. */
export function exifSegment(jpeg) {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= jpeg.length && jpeg[i] === 0xff) {
    const marker = jpeg[i + 1];
    if (marker === 0xda || marker === 0xd9) break; // image data starts: no more headers
    const length = (jpeg[i + 2] << 8) | jpeg[i + 3];
    const isExif = marker === 0xe1 && String.fromCharCode(...jpeg.slice(i + 4, i + 8)) === 'Exif';
    if (isExif) return jpeg.slice(i, i + 2 + length);
    i += 2 + length;
  }
  return null;
}

/** A copy of the segment whose IFD0 Orientation (0x0112) says 1: the pixels are upright now. */
export function uprightExif(segment) {
  const copy = segment.slice();
  const view = new DataView(copy.buffer, copy.byteOffset, copy.byteLength);
  const tiff = 10; // FF E1, length (2), "Exif\0\0"
  if (copy.length < tiff + 8) return copy;
  const little = view.getUint16(tiff) === 0x4949;
  const ifd0 = tiff + view.getUint32(tiff + 4, little);
  if (ifd0 + 2 > copy.length) return copy;
  const count = view.getUint16(ifd0, little);
  for (let n = 0; n < count; n += 1) {
    const entry = ifd0 + 2 + n * 12;
    if (entry + 12 > copy.length) break;
    if (view.getUint16(entry, little) === 0x0112) view.setUint16(entry + 8, 1, little);
  }
  return copy;
}

/** The JPEG with the EXIF segment inserted after SOI (and after a JFIF APP0, if any). */
export function withExif(jpeg, segment) {
  let at = 2;
  if (jpeg[2] === 0xff && jpeg[3] === 0xe0) at = 4 + ((jpeg[4] << 8) | jpeg[5]);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.slice(0, at), 0);
  out.set(segment, at);
  out.set(jpeg.slice(at), at + segment.length);
  return out;
}
