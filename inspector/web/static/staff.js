// Sign-in for staff pages: the token lives in sessionStorage for this tab's session only.
import { $, h, initLang, login, logout, session, show, t } from './common.js';

/** Resolves with the session once someone is signed in (shows the form until then). */
export function signedIn(render) {
  initLang(render);
  const form = $('login');
  const content = $('content');
  const who = $('who');
  const out = $('logout');
  out.addEventListener('click', async () => { await logout(); location.reload(); });
  return new Promise((resolve) => {
    const ready = (s) => {
      form.hidden = true;
      content.hidden = false;
      out.hidden = false;
      who.textContent = s.username;
      // Pages this role may use (the API refuses the others anyway): shown, the rest stay hidden.
      for (const link of document.querySelectorAll('[data-roles]')) {
        link.hidden = !link.dataset.roles.split(' ').includes(s.role);
      }
      resolve(s);
    };
    const current = session.get();
    if (current?.token) return ready(current);
    form.hidden = false;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        await login($('username').value.trim(), $('password').value);
        ready(session.get());
      } catch (err) {
        show($('login-error'), err.message, 'error');
      }
    });
  });
}

export const ROLE_ZH = {
  dispatcher: '座席员', unit_staff: '责任单位', supervisor: '督查组', grid_worker: '网格员', admin: '管理员',
  resident: '市民', volunteer: '志愿者',
};

export function statusBadge(c) {
  const late = c.overdue;
  return h('span', { class: `status ${c.status === 'closed' ? 'closed' : ''} ${late ? 'late' : ''}` },
    c.status_name, late ? ` · ${t('超期')}` : '');
}
