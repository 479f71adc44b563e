/* The conversation is kept on the device only when the resident ticks "remember": then in localStorage,
   under one key per site. Nothing else is ever written (no cookies, no sessionStorage). */

const MEMORY_PREFIX = "kalla:conversation:";

function recall(site) {
  try {
    const raw = window.localStorage.getItem(MEMORY_PREFIX + site);
    const data = raw ? JSON.parse(raw) : null;
    return data && data.v === 1 && Array.isArray(data.items) ? data : null;
  } catch (e) {
    return null;
  }
}

function remember(site, data) {
  try { window.localStorage.setItem(MEMORY_PREFIX + site, JSON.stringify(Object.assign({ v: 1 }, data))); } catch (e) { /* private mode */ }
}

function forget(site) {
  try { window.localStorage.removeItem(MEMORY_PREFIX + site); } catch (e) { /* private mode */ }
}
