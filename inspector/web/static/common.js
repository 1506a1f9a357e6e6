// Shared by every page: the API client (bearer token kept in sessionStorage; never cookies),
// a tiny DOM builder (text nodes only: data never becomes HTML), Chinese-first wording with an
// English toggle, and the phone's position.

const SESSION = 'inspector.session';
const LANG = 'inspector.lang';

// ------------------------------------------------------------------ language
const EN = {
  '随手拍': 'Snap & report', '随手拍城市巡查': 'City inspection: snap & report',
  '随手拍:拍照上报问题': 'Report a problem with a photo', '我的上报': 'My reports',
  '网格员:今日核实、核查任务': "Grid worker: today's tasks", '工作台(座席员、责任单位、督查组)': 'Staff console',
  '案件地图': 'Map of open cases', '接口目录': 'API index', '接口文档': 'API docs', '照片': 'Photos', '问题类别': 'Category',
  '问题描述': 'Description', '联系电话': 'Phone', '联系人': 'Contact', '提交': 'Submit', '位置': 'Position',
  '拍照或选择照片': 'Take or choose photos', '最多 9 张': 'up to 9', '选填,便于工作人员联系您': 'optional, so staff can call you back',
  '重新定位': 'Locate again', '正在定位…': 'Locating…', '常见问题': 'Common problems',
  '请选择': 'Choose…', '正在上传': 'Uploading', '已提交': 'Sent', '案件编号': 'Case number',
  '查看进度': 'Follow it', '再拍一条': 'Report another', '等待发送': 'Waiting to send',
  '立即重试': 'Retry now', '网络不通,已保存在手机上,联网后自动重新发送': 'No network: saved on this phone, it will be sent when the network is back',
  '请至少拍一张照片': 'Add at least one photo', '北': 'N', '南': 'S', '东': 'E', '西': 'W',
  '用户名': 'Username', '密码': 'Password', '登录': 'Sign in', '退出': 'Sign out', '工作台': 'Console',
  '地图': 'Map', '时间线': 'Timeline', '操作': 'Actions', '整改前': 'Before', '整改后': 'After',
  '说明': 'Note', '现场照片': 'On-site photo', '通过': 'Passed', '不通过': 'Failed', '评价': 'Rate',
  '满意度': 'Satisfaction', '还没有上报': 'No reports yet', '今日任务': "Today's tasks",
  '没有待办任务': 'Nothing to do', '状态': 'Status', '类别': 'Category', '网格': 'Grid',
  '到期': 'Due', '超期': 'Overdue', '疑似重复': 'Possible duplicate', '督办': 'Escalated',
  '编号': 'Number', '地址': 'Address', '单位': 'Unit', '按分派规则': 'by routing rules',
  '延期时长': 'Extension', '工作时': 'work hours', '工作日': 'work days', '合并到案件': 'Merge into case',
  '精度约': 'accuracy about', '米': 'm', '离线': 'offline', '案件': 'Case', '上报时间': 'Reported',
  '待核实': 'To verify', '待核查': 'To check', '约': 'about', '距离': 'Distance', '返回': 'Back',
  '考核': 'Indicators', '通报台账': 'Bulletins', '考核指标与排名': 'Unit indicators and rankings',
  '统计周': 'Week', '开始日期': 'From', '结束日期': 'To', '查询': 'Show', '自定义期间': 'Custom dates',
  '本周': '(this week)', '责任单位考核指标': 'Indicators per unit', '红黑榜': 'Red and black lists',
  '红榜': 'Red list (best)', '黑榜': 'Black list (worst)', '流动黄旗': 'Yellow flag', '自': 'since',
  '不排名': 'not ranked', '排名': 'Rank', '派遣': 'Dispatched', '应结案': 'Due', '结案': 'Closed',
  '按期结案': 'Closed on time', '结案率': 'Closing rate', '按期结案率': 'On-time rate', '返工率': 'Rework rate',
  '超期未办': 'Overdue open', '综合指标值': 'Score', '应结案少于': 'units with fewer than',
  '件的单位不排名': 'due cases are not ranked', '选择统计周以查看红黑榜': 'Choose a week to see the lists',
  '周通报与案件台账': 'Weekly bulletins and case ledger', '周通报': 'Weekly bulletins', '案件台账': 'Case ledger',
  '期间结束后可发布;发布后数字冻结,不再变化。': 'A week can be published once it is over; its numbers are then frozen.',
  '已发布': 'Published', '未发布': 'Not published', '本周未结束': 'Week not over', '发布': 'Publish',
  '正在生成 PDF…': 'Making the PDF…', '期间': 'Period', '下载': 'Download', '周': 'Week', '全部': 'All',
  '已下载': 'Saved', '待立案': 'New', '已派遣': 'Dispatched', '已整改': 'Rectified', '已结案': 'Closed',
  '视野内的未办结案件': 'Open cases in view', '放大地图以显示网格': 'Zoom in to see the grids',
  '只显示前': 'showing the first', '件': 'cases', '每个网格的未办结案件': 'Open cases per grid',
  '未办结案件与网格': 'Open cases and grids', '考核指标': 'Indicators',
};

export const lang = () => localStorage.getItem(LANG) || 'zh';
export const t = (zh) => (lang() === 'en' ? (EN[zh] ?? zh) : zh);

/** "中文 / English" messages of the API: the half for the chosen language. */
export function message(text) {
  const parts = String(text || '').split(' / ');
  return lang() === 'en' && parts.length > 1 ? parts.slice(1).join(' / ') : parts[0];
}

export function translate(root = document) {
  document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-CN';
  for (const el of root.querySelectorAll('[data-t]')) {
    if (!el.dataset.zh) el.dataset.zh = el.textContent.trim();
    el.textContent = t(el.dataset.zh);
  }
  const toggle = document.getElementById('lang-toggle');
  if (toggle) {
    toggle.textContent = lang() === 'en' ? '中文' : 'English';
    toggle.lang = lang() === 'en' ? 'zh-CN' : 'en';
  }
}

export function initLang(rerender) {
  translate();
  document.getElementById('lang-toggle')?.addEventListener('click', () => {
    localStorage.setItem(LANG, lang() === 'en' ? 'zh' : 'en');
    translate();
    if (rerender) rerender();
  });
}

// ------------------------------------------------------------------ DOM
export const $ = (id) => document.getElementById(id);

/** h('a', {href, class, onclick}, 'text', child): attributes set one by one, strings as text. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function show(el, text, kind = 'info') {
  el.textContent = text;
  el.className = `notice ${kind}`;
  el.hidden = !text;
}

// ------------------------------------------------------------------ API
export class ApiError extends Error {
  constructor(status, code, text, body) {
    super(message(text));
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export const session = {
  get() {
    try { return JSON.parse(sessionStorage.getItem(SESSION)); } catch { return null; }
  },
  set(value) { sessionStorage.setItem(SESSION, JSON.stringify(value)); },
  clear() { sessionStorage.removeItem(SESSION); },
};

/** fetch /api/v1 with the session's bearer token; JSON or FormData bodies; errors thrown. */
export async function api(path, { method = 'GET', json, form, headers = {}, auth = true } = {}) {
  const sent = { Accept: 'application/json', ...headers };
  const current = session.get();
  if (auth && current?.token) sent.Authorization = `Bearer ${current.token}`;
  let body;
  if (json !== undefined) {
    sent['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (form) {
    body = form;
  }
  const res = await fetch(`/api/v1${path}`, { method, headers: sent, body, credentials: 'omit', cache: 'no-store' });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = data?.error || {};
    if (res.status === 401 && auth && current) session.clear();
    throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText, data);
  }
  return data;
}

/** GET a file from /api/v1 with the bearer token (a plain link cannot carry it) and save it. */
export async function download(path, fallbackName) {
  const current = session.get();
  const res = await fetch(`/api/v1${path}`, {
    headers: current?.token ? { Authorization: `Bearer ${current.token}` } : {}, credentials: 'omit', cache: 'no-store',
  });
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    throw new ApiError(res.status, data?.error?.code || `http_${res.status}`, data?.error?.message || res.statusText, data);
  }
  const named = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: named ? named[1] : fallbackName, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export async function login(username, password) {
  const answer = await api('/auth/token', { method: 'POST', json: { username, password }, auth: false });
  session.set({ ...answer, username });
  return answer;
}

export async function logout() {
  try { await api('/auth/token', { method: 'DELETE' }); } catch { /* gone already */ }
  session.clear();
}

/** A v4 UUID; crypto.randomUUID needs https, getRandomValues works everywhere. */
export function uuid4() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// ------------------------------------------------------------------ position
/** The phone's WGS-84 position {lat, lon, accuracy}, or null when refused or unavailable. */
export function locate(timeoutMs = 15000) {
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 30000 },
    );
  });
}

export function distanceM(a, b) {
  const r = 6371000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const s = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.sqrt(s));
}
