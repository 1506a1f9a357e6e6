// Reports wait in IndexedDB until the server has them. Each keeps the client_id it was made
// with, so however often it is re-sent (lost answers, dead networks, a reload), the server
// returns the same report instead of making a second one.

const DB = 'inspector';
const STORE = 'outbox';
const RECEIPTS = 'inspector.mine';
const sending = new Set(); // client_ids with a request in flight in this tab

function db() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'client_id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx(mode, work) {
  const conn = await db();
  return new Promise((resolve, reject) => {
    const t = conn.transaction(STORE, mode);
    const result = work(t.objectStore(STORE));
    t.oncomplete = () => { conn.close(); resolve(result?.result); };
    t.onerror = () => { conn.close(); reject(t.error); };
  });
}

export const put = (item) => tx('readwrite', (s) => s.put(item));
export const remove = (clientId) => tx('readwrite', (s) => s.delete(clientId));
export const pending = () => tx('readonly', (s) => s.getAll());

/** Answers the server gave to this browser: {id, number, token, ...}, newest first. */
export function receipts() {
  try { return JSON.parse(localStorage.getItem(RECEIPTS)) || []; } catch { return []; }
}

function keepReceipt(item, body) {
  const list = receipts().filter((r) => r.client_id !== item.client_id);
  list.unshift({
    client_id: item.client_id,
    id: body.id,
    token: body.tracking_token || null,
    case_id: body.case?.id ?? null,
    number: body.case?.number ?? null,
    at: item.created_at,
  });
  localStorage.setItem(RECEIPTS, JSON.stringify(list.slice(0, 200)));
}

export class Offline extends Error {}

/** One upload with progress; resolves {status, body} for any HTTP answer, rejects Offline. */
export function upload(item, onProgress, token) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(item.fields)) {
      if (value !== null && value !== undefined && value !== '') form.append(key, value);
    }
    form.append('client_id', item.client_id);
    if (item.retry_secret) form.append('retry_secret', item.retry_secret);
    item.photos.forEach((p, i) => form.append('photo', p.blob, p.name || `photo${i + 1}.jpg`));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/reports');
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.timeout = 180000;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status === 0) reject(new Offline('network'));
      else resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new Offline('network'));
    xhr.ontimeout = () => reject(new Offline('timeout'));
    xhr.send(form);
  });
}

const RETRY_LATER = new Set([408, 409, 429, 500, 502, 503, 504]);

/**
 * Send one queued report. Returns {done: body} when the server has it, {failed: error} when it
 * refused it for good (the item is dropped: re-sending cannot help), or throws Offline.
 */
export async function deliver(item, onProgress, token) {
  if (sending.has(item.client_id)) throw new Offline('busy');
  sending.add(item.client_id);
  try {
    const { status, body } = await upload(item, onProgress, token);
    if (status === 200 || status === 201) {
      keepReceipt(item, body);
      await remove(item.client_id);
      return { done: body };
    }
    // A 409 client_id_conflict will not change by waiting; other 409s are races worth retrying.
    if (RETRY_LATER.has(status) && body?.error?.code !== 'client_id_conflict') throw new Offline(`http ${status}`);
    await remove(item.client_id);
    return { failed: body?.error || { code: `http_${status}`, message: String(status) } };
  } finally {
    sending.delete(item.client_id);
  }
}

/** Try every waiting report once; callback per outcome. Returns how many still wait. */
export async function flush(onOutcome, token) {
  const items = (await pending()).sort((a, b) => a.created_at.localeCompare(b.created_at));
  let waiting = 0;
  for (const item of items) {
    try {
      const outcome = await deliver(item, null, token);
      onOutcome?.(item, outcome);
    } catch (err) {
      if (!(err instanceof Offline)) throw err;
      waiting += 1;
    }
  }
  return waiting;
}
