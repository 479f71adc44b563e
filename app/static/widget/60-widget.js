/* The widget: a launcher and a panel in a Shadow DOM, driven by one script tag:
   <script src="https://HOST/widget.js" data-site="ID" async></script>
   (optional data-language, data-position="left|right", data-accent="#rrggbb"). */

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

class KallaWidget {
  constructor(script) {
    const d = script.dataset;
    this.site = String(d.site || "");
    this.pageLang = d.language || "";
    this.position = d.position || "";
    this.accent = HEX.test(d.accent || "") ? d.accent : "";
    this.api = makeApi(new URL("./", script.src).href, this.site);
    this.choice = "auto";          // the resident's language choice, or "auto"
    this.lang = "sv";              // the language the panel speaks now
    this.texts = {};
    this.languages = [];
    this.cache = {};
    this.items = [];               // the conversation: {kind: "q", text} | {kind: "a", data, feedback} | {kind: "e", key}
    // The last few questions, in page memory only (stored only with "remember"), sent with the next question so
    // that "and for the children?" is read with what came before.
    this.history = [];
    this.keep = false;
    this.busy = false;
    this.unavailable = false;
    this.ui = {
      t: (key, values) => fmt(this.texts[key] || "", values),
      dirOf: (code) => (this.languages.find((l) => l.code === code) || {}).direction || "ltr",
      endonym: (code) => (this.languages.find((l) => l.code === code) || {}).endonym || code,
      api: this.api,
      changed: () => this.save(),
      reveal: (el, atStart) => this.reveal(el, atStart),
      ask: (question) => this.ask(question),
      speechButtons: [],
      reported: new Set(),       // follow-through events already sent (answer, contact, link)
    };
    Object.defineProperty(this.ui, "lang", { get: () => this.lang });
  }

  async start() {
    let data;
    try {
      data = await this.api.site(this.pageLang);
    } catch (err) {
      console.error("[Källa] site " + JSON.stringify(this.site) + " cannot be used here: " + err.message);
      this.unavailable = true;
      try { data = await this.api.texts(this.pageLang || "sv"); } catch (e) { return; }
    }
    const site = data.site || {};
    this.leaveUrl = safeUrl(site.leave_url) || "https://www.google.com/";
    this.maxChars = Number(data.max_message_chars) || 1000;
    const accent = this.accent || (HEX.test(site.accent || "") ? site.accent : "#1f5f8b");
    this.useTexts(data);
    this.build(accent, this.position || site.position || "right");
    onVoicesChanged(() => this.ui.speechButtons.forEach((update) => update()));
    const saved = this.unavailable ? null : recall(this.site);
    if (saved) {
      this.keep = true;
      this.keepBox.checked = true;
      this.items = saved.items.filter((i) => i && (i.kind === "q" || i.kind === "a"));
      this.history = historyOf(this.items);
      if (saved.choice && (saved.choice === "auto" || this.languages.some((l) => l.code === saved.choice))) {
        this.choice = saved.choice;
      }
      if (!(saved.lang && (await this.setLanguage(saved.lang)))) this.renderLog();
    }
  }

  useTexts(data) {
    this.cache[data.language] = data;
    this.lang = data.language;
    this.texts = data.texts || {};
    this.languages = Array.isArray(data.languages) ? data.languages : this.languages;
  }

  build(accent, position) {
    const host = document.createElement("kalla-widget");
    host.setAttribute("style", "all: initial");
    const shadow = host.attachShadow({ mode: "open" });
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(WIDGET_CSS);
      shadow.adoptedStyleSheets = [sheet];
    } catch (e) {
      shadow.append(h("style", null, WIDGET_CSS));
    }
    const root = h("div", { class: "root" + (position === "left" ? " left" : "") });
    root.style.setProperty("--accent", accent);
    root.style.setProperty("--accent-text", textOn(accent));
    const t = this.ui.t;
    const ids = { panel: uid("panel"), title: uid("title"), input: uid("input"), lang: uid("lang"), keep: uid("keep") };

    this.launcher = h("button", { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": ids.panel,
      onclick: () => this.open() }, svgIcon(ICONS.chat), h("span", null, t("widget_title")));
    this.titleEl = h("h2", { id: ids.title }, t("widget_title"));
    this.closeBtn = h("button", { type: "button", class: "iconbtn close", "aria-label": t("widget_close"),
      onclick: () => this.close() }, svgIcon(ICONS.close));
    this.langLabel = h("span", null, t("widget_language_label"));
    this.langSelect = h("select", { id: ids.lang, onchange: () => this.choose(this.langSelect.value) });
    this.leaveBtn = h("button", { type: "button", class: "leave", onclick: () => this.leave() }, t("widget_leave_quickly"));
    this.newBtn = h("button", { type: "button", class: "small newconv", onclick: () => this.restart() }, t("widget_new_conversation"));
    this.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-labelledby": ids.title });
    this.input = h("textarea", { id: ids.input, rows: "1", maxlength: String(this.maxChars), placeholder: t("widget_input_placeholder"),
      autocomplete: "off", spellcheck: "true" });
    this.inputLabel = h("label", { for: ids.input }, t("widget_input_label"));
    this.sendBtn = h("button", { type: "submit", class: "send" }, t("widget_send"));
    this.form = h("form", { class: "ask" }, this.inputLabel, this.input, this.sendBtn);
    this.keepBox = h("input", { type: "checkbox", id: ids.keep, onchange: () => this.setKeep(this.keepBox.checked) });
    this.keepLabel = h("span", null, t("widget_remember"));
    this.panel = h("div", { class: "panel", id: ids.panel, role: "dialog", "aria-labelledby": ids.title, hidden: true },
      h("div", { class: "head" }, svgIcon(ICONS.chat), this.titleEl, this.closeBtn),
      h("div", { class: "bar" }, h("label", { for: ids.lang }, this.langLabel, this.langSelect),
        h("div", { class: "actions" }, this.newBtn, this.leaveBtn)),
      this.log, this.form,
      h("div", { class: "foot" }, h("label", { for: ids.keep }, this.keepBox, this.keepLabel)));
    this.form.addEventListener("submit", (ev) => { ev.preventDefault(); this.ask(this.input.value); });
    this.input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); this.ask(this.input.value); }
    });
    this.panel.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") { ev.preventDefault(); this.close(); }
      if (ev.key === "Tab") this.wrapFocus(ev);
    });
    root.append(this.launcher, this.panel);
    shadow.append(root);
    this.root = root;
    this.fillLanguages();
    this.applyDirection();
    this.renderLog();
    const attach = () => document.body.append(host);
    if (document.body) attach(); else document.addEventListener("DOMContentLoaded", attach);
  }

  fillLanguages() {
    const t = this.ui.t;
    this.langSelect.replaceChildren(h("option", { value: "auto" }, t("widget_language_auto")),
      ...this.languages.map((l) => h("option", { value: l.code, lang: l.code, dir: l.direction }, l.endonym)));
    this.langSelect.value = this.choice;
  }

  applyDirection() {
    this.root.setAttribute("lang", this.lang);
    this.panel.setAttribute("dir", this.ui.dirOf(this.lang));
    this.launcher.setAttribute("dir", this.ui.dirOf(this.lang));
    this.launcher.setAttribute("lang", this.lang);
  }

  relabel() {
    const t = this.ui.t;
    this.launcher.lastChild.textContent = t("widget_title");
    this.titleEl.textContent = t("widget_title");
    this.closeBtn.setAttribute("aria-label", t("widget_close"));
    this.langLabel.textContent = t("widget_language_label");
    this.leaveBtn.textContent = t("widget_leave_quickly");
    this.newBtn.textContent = t("widget_new_conversation");
    this.inputLabel.textContent = t("widget_input_label");
    this.input.setAttribute("placeholder", t("widget_input_placeholder"));
    this.sendBtn.textContent = t("widget_send");
    this.keepLabel.textContent = t("widget_remember");
    this.fillLanguages();
    this.applyDirection();
  }

  /* Switch the panel's language; true if it was switched (and the log re-drawn in it). */
  async setLanguage(code) {
    if (!code || code === this.lang) return false;
    let data = this.cache[code];
    if (!data) {
      try { data = this.unavailable ? await this.api.texts(code) : await this.api.site(code); } catch (e) { return false; }
    }
    this.useTexts(data);
    this.relabel();
    this.renderLog();
    return true;
  }

  async choose(value) {
    this.choice = value;
    if (value !== "auto") await this.setLanguage(value);
    this.save();
    this.langSelect.focus();
  }

  renderLog() {
    this.ui.speechButtons = [];
    this.log.setAttribute("aria-live", "off");   // re-drawing is not news: only new messages are announced
    this.log.replaceChildren(this.unavailable ? renderNote(this.ui, "widget_unavailable", "error")
      : h("div", { class: "msg welcome" }, h("p", null, this.ui.t("widget_welcome")),
        h("p", { class: "fine" }, this.ui.t("disclaimer"))));
    if (!this.unavailable && !this.items.length) {
      const start = suggestBlock(this.ui, (this.cache[this.lang] || {}).suggestions, "suggestions_start");
      if (start) this.log.append(start);
    }
    const last = this.items.length - 1;
    this.items.forEach((item, i) => this.log.append(this.renderItem(item, i === last)));
    setTimeout(() => this.log.setAttribute("aria-live", "polite"), 50);
  }

  renderItem(item, latest) {
    if (item.kind === "q") return renderQuestion(this.ui, item.text);
    if (item.kind === "a") return renderAnswer(this.ui, item, !!latest);
    return renderNote(this.ui, item.key, "error");
  }

  open() {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.input.focus();
    this.log.scrollTop = this.log.scrollHeight;
  }

  close() {
    stopSpeaking();
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.focus();
  }

  /* While the panel is open, Tab goes round inside it (Escape or the close button leave it). */
  wrapFocus(ev) {
    const all = Array.from(this.panel.querySelectorAll("button, a[href], select, textarea, input, summary"))
      .filter((el) => el.getClientRects().length && el.tabIndex >= 0 && !el.disabled);
    if (!all.length) return;
    const active = this.panel.getRootNode().activeElement;
    const edge = ev.shiftKey ? all[0] : all[all.length - 1];
    if (active === edge || !this.panel.contains(active)) {
      ev.preventDefault();
      (ev.shiftKey ? all[all.length - 1] : all[0]).focus();
    }
  }

  async ask(raw) {
    const text = String(raw || "").trim();
    if (!text || this.busy) return;
    if (this.unavailable) { this.log.append(renderNote(this.ui, "widget_unavailable", "error")); return; }
    this.busy = true;
    this.log.querySelectorAll(".suggest").forEach((el) => el.remove());   // what to ask next belongs to the last answer
    this.items.push({ kind: "q", text });
    this.log.append(this.renderItem(this.items[this.items.length - 1]));
    this.input.value = "";
    const loading = renderNote(this.ui, "widget_loading", "loading");
    this.log.append(loading);
    this.log.setAttribute("aria-busy", "true");
    this.reveal(loading, false);
    let item;
    try {
      const data = await this.api.chat(text, this.choice === "auto" ? null : this.choice, this.history);
      item = data && typeof data === "object" && typeof data.answer === "string" ? { kind: "a", data } : { kind: "e", key: "error_generic" };
      if (item.kind === "a") this.history = remembered(this.history, text, data, this.maxChars);
    } catch (err) {
      if (err.status === 403) console.error("[Källa] " + err.message);
      item = { kind: "e", key: errorKey(err) };
    }
    loading.remove();
    this.log.removeAttribute("aria-busy");
    this.items.push(item);
    const follow = item.kind === "a" && this.choice === "auto" && item.data.language !== this.lang &&
      this.languages.some((l) => l.code === item.data.language);
    // Asked in Arabic with "Automatic": the panel turns Arabic (and re-draws the log, new answer included).
    if (!(follow && (await this.setLanguage(item.data.language)))) this.log.append(this.renderItem(item, true));
    this.save();
    this.busy = false;
    const last = this.log.lastElementChild;
    if (item.kind === "a" && last) {
      last.focus({ preventScroll: true });
      this.reveal(last, true);
    } else {
      this.input.focus();
    }
  }

  /* Scroll the log (or, when the screen is very low, the whole panel) so el is in view. Not
     scrollIntoView: that also scrolls the panel's clipped box and pushes the header out of sight. */
  reveal(el, atStart) {
    const scroller = getComputedStyle(this.log).overflowY === "visible" ? this.panel : this.log;
    const box = scroller.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    let delta = 0;
    if (atStart || r.top < box.top || r.height > box.height) delta = r.top - box.top - 8;
    else if (r.bottom > box.bottom) delta = r.bottom - box.bottom + 8;
    if (delta) scroller.scrollTo({ top: scroller.scrollTop + delta, behavior: ui_motion() });
  }

  setKeep(on) {
    this.keep = on;
    if (on) this.save(); else forget(this.site);
  }

  save() {
    if (!this.keep) return;
    remember(this.site, { choice: this.choice, lang: this.lang,
      items: this.items.filter((i) => i.kind !== "e") });
  }

  /* New conversation: earlier questions are no longer sent or shown (a remembered conversation is emptied too). */
  restart() {
    if (this.busy) return;
    stopSpeaking();
    this.items = [];
    this.history = [];
    this.save();
    this.renderLog();
    this.log.append(h("p", { class: "msg info", role: "status" }, this.ui.t("widget_new_conversation_done")));
    this.input.value = "";
    this.input.focus();
  }

  /* Leave quickly: forget everything, stop speaking, and replace this page in the history. */
  leave() {
    stopSpeaking();
    forget(this.site);
    this.keep = false;
    this.items = [];
    this.history = [];
    this.input.value = "";
    this.log.replaceChildren();
    window.location.replace(this.leaveUrl);
  }
}

const HISTORY_MAX = 3;   // the API takes at most this many earlier questions

/* The history after a question got its answer: the question, the answer's topic and whether it was a follow-up. */
function remembered(history, text, data, maxChars) {
  const turn = { message: String(text).slice(0, maxChars || 1000), topic: String(data.topic || "").slice(0, 64),
    follow_up: !!data.follow_up };
  return history.concat([turn]).slice(-HISTORY_MAX);
}

/* A remembered conversation's history, rebuilt from its questions and answers. */
function historyOf(items) {
  let history = [];
  items.forEach((item, i) => {
    const next = items[i + 1];
    if (item.kind === "q" && next && next.kind === "a" && next.data) history = remembered(history, item.text, next.data);
  });
  return history;
}

function kallaBoot() {
  const script = document.currentScript ||
    Array.from(document.querySelectorAll("script[data-site]")).find((s) => /\/widget\.js(\?|#|$)/.test(s.src));
  if (!script || !script.dataset.site) {
    console.error("[Källa] widget.js needs data-site on its script tag");
    return;
  }
  const started = window[Symbol.for("kalla.widgets")] = window[Symbol.for("kalla.widgets")] || new Set();
  if (started.has(script.dataset.site)) return;   // the tag was included twice
  started.add(script.dataset.site);
  new KallaWidget(script).start();
}

kallaBoot();
