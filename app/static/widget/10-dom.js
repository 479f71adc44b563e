/* DOM helpers. Server text only ever becomes text nodes or checked attribute values: there is no
   innerHTML anywhere in the widget, so a passage containing <script> or <img onerror> shows as text. */

function h(tag, attrs) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const key of Object.keys(attrs)) {
      const value = attrs[key];
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") el.className = value;
      else if (key.slice(0, 2) === "on") el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (let i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}

function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { child.forEach((c) => append(el, c)); return; }
  el.append(child instanceof Node ? child : document.createTextNode(String(child)));
}

/* Only http(s) links: a javascript: or data: URL in a source would run code on click. */
function safeUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch (e) {
    return null;
  }
}

function hostOf(url) {
  try { return new URL(url).hostname.replace(/^www\./, ""); } catch (e) { return url; }
}

function telHref(phone) {
  const digits = String(phone || "").replace(/[^\d+]/g, "");
  return /^\+?\d{2,15}$/.test(digits) ? "tel:" + digits : null;
}

function fmt(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (values && k in values ? String(values[k]) : m));
}

/* A catalogue text with nodes in its {placeholders}: "Ring {phone}" with the number as an element. */
function fmtNodes(template, nodes) {
  return String(template || "").split(/\{(\w+)\}/).map((part, i) => (i % 2 ? nodes[part] || "{" + part + "}" : part));
}

/* Phone numbers read left to right in every language ("0771-235 235" must not turn into "235 235-0771"). */
function number(text) {
  return h("span", { dir: "ltr", class: "num" }, String(text));
}

function uid(prefix) {
  uid.n = (uid.n || 0) + 1;
  return "kalla-" + prefix + "-" + uid.n;
}

function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/* Where the quoted sentences sit in the whole passage (whitespace may differ: the passage keeps its
   paragraph breaks, the quote joins sentences with spaces). Falls back to sentence by sentence. */
function quoteRanges(text, quote) {
  const find = (piece) => {
    const words = piece.trim().split(/\s+/).filter(Boolean);
    if (!words.length) return null;
    const m = new RegExp(words.map(escapeRegExp).join("\\s+")).exec(text);
    return m ? [m.index, m.index + m[0].length] : null;
  };
  const whole = find(String(quote || ""));
  if (whole) return [whole];
  const ranges = [];
  for (const sentence of String(quote || "").split(/(?<=[.!?…:;])\s+/)) {
    const r = find(sentence);
    if (r && !ranges.some((o) => r[0] < o[1] && o[0] < r[1])) ranges.push(r);
  }
  return ranges.sort((a, b) => a[0] - b[0]);
}

function highlighted(text, quote) {
  const frag = document.createDocumentFragment();
  text = String(text || "");
  let at = 0;
  for (const [start, end] of quoteRanges(text, quote)) {
    if (start > at) frag.append(document.createTextNode(text.slice(at, start)));
    frag.append(h("mark", null, text.slice(start, end)));
    at = end;
  }
  if (at < text.length) frag.append(document.createTextNode(text.slice(at)));
  return frag;
}

function svgIcon(path, cls) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", cls || "icon");
  const p = document.createElementNS(ns, "path");
  p.setAttribute("d", path);
  svg.append(p);
  return svg;
}

const ICONS = {
  chat: "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm2 5v2h12V8H6zm0 4v2h8v-2H6z",
  close: "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6l5.6-5.6L5 6.4z",
  up: "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6c-.4.4-.6.9-.6 1.4v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z",
  down: "M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z",
  speak: "M3 9v6h4l5 5V4L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 0 13.4v2.1a9 9 0 0 0 0-17.6z",
};

/* Black or white on the accent colour, whichever contrasts more (>= 4.5:1 either way). */
function textOn(hex) {
  let v = hex.slice(1);
  if (v.length === 3) v = v.split("").map((c) => c + c).join("");
  const lin = (i) => {
    const c = parseInt(v.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
  };
  const lum = 0.2126 * lin(0) + 0.7152 * lin(2) + 0.0722 * lin(4);
  return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? "#ffffff" : "#000000";
}
