/* Rendering one exchange: the resident's question, and Källa's answer with its sources, hand-off card,
   notices, read-aloud and feedback. `ui` gives texts (ui.t), languages and the API. */

const NOTICE_KEYS = {
  personal_data_removed: "personal_data_removed",
  translation_unavailable: "translation_unavailable",
  machine_translation: "machine_translation_notice",
  sources_disagree: "sources_disagree",
};
const SOURCE_STATUSES = ["current", "superseded", "context"];

function renderQuestion(ui, text) {
  return h("div", { class: "msg me", dir: "auto" }, h("span", { class: "sr" }, ui.t("widget_input_label") + ": "), text);
}

function renderNote(ui, key, cls) {
  return h("p", { class: "msg " + cls }, ui.t(key));
}

function renderAnswer(ui, item, latest) {
  const data = item.data;
  const lang = String(data.language || ui.lang);
  const citations = Array.isArray(data.citations) ? data.citations : [];
  const art = h("article", { class: "msg bot " + String(data.status || ""), tabindex: "-1", lang, dir: ui.dirOf(lang) });
  const crisis = data.status === "crisis";
  // A crisis card, or the help lines put before an answer near a crisis, already says its lines as call buttons:
  // the text below keeps only what the card does not.
  const helpCard = crisis ? data.handoff : data.support;
  if (helpCard) art.append(contactCard(ui, helpCard, crisis ? "crisis" : "support", data.id));
  const shown = helpCard ? [helpCard.message].concat((helpCard.contacts || []).map((c) => c.name)) : [];
  art.append(answerText(ui, data, citations.length, (n) => openSource(ui, art, n), shown));
  const translated = citations.filter((c) => c.translation && c.translation_language === String(data.answer_language || ""));
  if (translated.length) art.append(translationNote(ui, translated, lang));
  if (!crisis && data.handoff) art.append(contactCard(ui, data.handoff, "", data.id, String(data.answer || "")));
  const related = Array.isArray(data.related) ? data.related : [];
  if (related.length) art.append(relatedBlock(ui, related));
  const notices = (Array.isArray(data.notices) ? data.notices : []).filter((n) => NOTICE_KEYS[n]);
  if (notices.length) art.append(h("ul", { class: "notices" }, notices.map((n) => h("li", null, ui.t(NOTICE_KEYS[n])))));
  if (citations.length) {
    const headId = uid("src");
    art.append(h("section", { class: "sources", "aria-labelledby": headId },
      h("h3", { id: headId }, ui.t("sources_label")),
      citations.map((c, i) => sourceBlock(ui, c, i + 1, lang))));
  }
  const tools = h("div", { class: "tools" });
  const speakBtn = readAloudButton(ui, data);
  if (speakBtn) tools.append(speakBtn);
  if (data.id && !["rejected", "crisis"].includes(data.status)) tools.append(feedbackBlock(ui, item));
  if (tools.childNodes.length) art.append(tools);
  if (latest) art.append(suggestBlock(ui, data.suggestions, "suggestions_next"));
  return art;
}

/* Questions to ask next (or, on an empty conversation, to start from): buttons that ask them. Only questions the
   texts are known to answer are ever sent by the server; the block is shown under the latest answer only. */
function suggestBlock(ui, suggestions, titleKey) {
  const list = (Array.isArray(suggestions) ? suggestions : []).filter((s) => s && typeof s.question === "string" && s.question);
  if (!list.length) return null;
  const headId = uid("sug");
  return h("section", { class: "suggest", "aria-labelledby": headId },
    h("h3", { id: headId }, ui.t(titleKey)),
    h("ul", null, list.map((s) => h("li", null,
      h("button", { type: "button", class: "chip", dir: "auto", onclick: () => ui.ask(s.question) }, s.question)))));
}

function isQuoteLine(line) {
  return /^\s*«/.test(line);
}

function answerText(ui, data, nCitations, onRef, skip) {
  const box = h("div", { class: "text" });
  for (const line of String(data.answer || "").split("\n")) {
    if (!line.trim() || line.trim() === "—" || (skip || []).includes(line.trim())) continue;
    const quoteLang = String(data.answer_language || data.language);
    // Quotes keep the direction of their own language; the frame follows the answer's.
    const p = isQuoteLine(line) ? h("p", { lang: quoteLang, dir: ui.dirOf(quoteLang) }) : h("p");
    const parts = line.split(/\[(\d{1,2})\]/);
    parts.forEach((part, i) => {
      if (i % 2 === 0) { if (part) p.append(document.createTextNode(part)); return; }
      const n = Number(part);
      if (n >= 1 && n <= nCitations) {
        p.append(h("button", { type: "button", class: "ref", "aria-label": ui.t("source_label") + " " + n,
          onclick: () => onRef(n) }, "[" + n + "]"));
      } else {
        p.append(document.createTextNode("[" + part + "]"));
      }
    });
    box.append(p);
  }
  return box;
}

/* A translated answer says whose translation it is, and keeps the Swedish original one click away. */
function translationLabel(ui, c) {
  if (c.translation_status === "authority") return ui.t("translation_label_authority", { authority: c.translation_by || c.authority || "" });
  if (c.translation_status === "reviewed") return ui.t("translation_label_reviewed", { date: c.translation_reviewed_at || "" });
  if (c.translation_status === "unreviewed") return ui.t("translation_label_unreviewed");
  return ui.t("machine_translation_label");   // "machine", and answers from before translation_status existed
}

function translationNote(ui, translated, lang) {
  const labels = [...new Set(translated.map((c) => translationLabel(ui, c)))];
  const originals = h("div", { class: "originals", lang: "sv", dir: "ltr", hidden: "" },
    h("p", { class: "label" }, ui.t("swedish_original_label")),
    translated.map((c) => h("p", null, "«" + String(c.quote || "") + "»")));
  const toggle = h("button", { type: "button", class: "small link", "aria-expanded": "false" }, ui.t("show_swedish_original"));
  toggle.addEventListener("click", () => {
    const open = originals.hidden;
    originals.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = ui.t(open ? "hide_swedish_original" : "show_swedish_original");
  });
  return h("div", { class: "tnote", lang, dir: ui.dirOf(lang) },
    labels.map((l) => h("p", { class: "tlabel" }, h("span", { class: "badge mt" }, l))), toggle, originals);
}

function openSource(ui, article, n) {
  const block = article.querySelector('details.src[data-n="' + n + '"]');
  if (!block) return;
  block.open = true;
  block.querySelector("summary").focus({ preventScroll: true });
  ui.reveal(block, false);
}

function ui_motion() {
  return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
}

function sourceBlock(ui, c, n, answerLang) {
  const status = SOURCE_STATUSES.includes(c.status) ? c.status : "context";
  const srcLang = String(c.language || "sv");
  const summary = h("summary", null,
    h("span", { class: "stitle" }, ui.t("source_label") + " " + n + ": ", h("bdi", { lang: srcLang }, String(c.title || ""))),
    h("span", { class: "smeta" },
      h("bdi", { lang: srcLang }, String(c.authority || "")),
      c.published ? [" · ", h("bdi", { dir: "ltr", class: "date" }, String(c.published))] : null,
      " · ", h("span", { class: "badge " + status }, ui.t("status_" + status))));
  const body = h("div", { class: "sbody" });
  body.append(h("p", { class: "section" },
    ui.t("authority_label") + ": ", h("bdi", { lang: srcLang }, String(c.authority || "")),
    c.published ? [" · " + ui.t("published_label") + ": ", h("bdi", { dir: "ltr", class: "date" }, String(c.published))] : null,
    c.section ? [" · ", h("bdi", { lang: srcLang }, String(c.section))] : null));
  const original = h("div", { lang: srcLang, dir: ui.dirOf(srcLang) },
    c.translation ? h("p", { class: "label" }, srcLang === "sv" ? ui.t("swedish_original_label") : ui.endonym(srcLang)) : null,
    h("p", { class: "passage" }, highlighted(c.text, c.quote)));
  if (c.translation) {
    const tLang = c.translation_language || answerLang;   // "en" when the resident's language has no model
    const translated = h("div", { lang: tLang, dir: ui.dirOf(tLang) },
      h("p", { class: "label" }, h("span", { class: "badge mt" }, translationLabel(ui, c)),
        tLang !== answerLang ? " · " + ui.endonym(tLang) : null),
      h("p", { class: "passage" }, h("mark", null, String(c.translation))));
    body.append(h("div", { class: "pair" }, translated, original));
  } else {
    if (srcLang !== "sv" && srcLang === answerLang) body.append(h("p", { class: "label" }, ui.t("official_translation_label")));
    body.append(original);
  }
  body.append(whereFrom(ui, c, srcLang));
  return h("details", { class: "src", "data-n": n }, summary, body);
}

/* The link goes to the document itself, never to a home page standing in for it; without an address the
   source says where the text comes from (report, reference number, date) and that there is no link. */
function whereFrom(ui, c, srcLang) {
  const href = safeUrl(c.url);
  const reference = String(c.reference || "");
  const box = h("div", { class: "where" });
  if (reference) {
    box.append(h("p", { class: "reference" }, ui.t("source_reference_label") + ": ",
      h("bdi", { lang: srcLang }, reference)));
  }
  if (href) {
    box.append(h("a", { class: "open", href, target: "_blank", rel: "noopener noreferrer" },
      ui.t("open_original"), " (", hostOf(href), ")"));
  } else if (reference) {
    box.append(h("p", { class: "no-address" }, ui.t("source_no_address")));
  }
  return box;
}

/* Passages that mention the topic without answering it: offered apart, in their own language, never as sources. */
function relatedBlock(ui, related) {
  const headId = uid("rel");
  const translated = related.filter((r) => r.translation && r.translation_language);
  const labels = [...new Set(translated.map((r) => translationLabel(ui, r)))];
  return h("section", { class: "related", "aria-labelledby": headId },
    h("h3", { id: headId }, ui.t("related_title")),
    h("ul", null, related.map((r) => {
      const lang = String(r.language || "sv");
      const tlang = String(r.translation_language || "");
      const meta = h("p", { class: "smeta" }, h("bdi", { lang }, String(r.authority || "")), " · ",
        h("bdi", { lang }, String(r.title || "")));
      if (!r.translation || !tlang) return h("li", null, h("p", { lang, dir: ui.dirOf(lang) }, String(r.sentence || "")), meta);
      // In the resident's language; the authority's own words one click away.
      return h("li", null, h("p", { lang: tlang, dir: ui.dirOf(tlang) }, String(r.translation)),
        h("details", { class: "orig" }, h("summary", null, ui.t("swedish_original_label")),
          h("p", { lang, dir: ui.dirOf(lang) }, String(r.sentence || ""))),
        meta);
    })),
    labels.map((l) => h("p", { class: "tlabel" }, h("span", { class: "badge mt" }, l))));
}

/* `help` is "crisis" or "support" for the help lines (their message is the card's heading), "" for a handoff. */
function contactCard(ui, handoff, help, answerId, answer) {
  const headId = uid("help");
  const contacts = Array.isArray(handoff.contacts) ? handoff.contacts : [];
  // The card's message often begins with the answer just above it: no paragraph is shown twice.
  let message = String(handoff.message || "").trim();
  const said = String(answer || "").trim();
  if (said && message.startsWith(said)) message = message.slice(said.length).trim();
  else if (said && said.includes(message)) message = "";
  return h("section", { class: "card" + (help ? " " + help : ""), "aria-labelledby": headId },
    h("h3", { id: headId }, help ? String(handoff.message || ui.t("contacts_title")) : ui.t("contacts_title")),
    help || !message ? null : h("p", null, message),
    h("ul", { class: "contacts" }, contacts.map((c) => contactItem(ui, c, followThrough(ui, answerId, c), help === "support"))));
}

/* Reports, once per answer, contact and kind of link, that the resident used it (see 20-api.js). A contact
   without a key (crisis cards) reports nothing. */
function followThrough(ui, answerId, contact) {
  const key = typeof contact.key === "string" ? contact.key : "";
  return (link) => {
    const id = answerId + " " + key + " " + link;
    if (!answerId || !key || ui.reported.has(id)) return;
    ui.reported.add(id);
    ui.api.followThrough(answerId, key, link).catch(() => {});
  };
}

/* compact: the help lines before an answer, where the line's name ("Emergency: call 112") is its call button, so the
   answer below stays in sight on a phone. */
function contactItem(ui, c, report, compact) {
  const tel = telHref(c.phone);
  const telAbroad = telHref(c.phone_abroad);
  const url = safeUrl(c.url);
  const call = (cls, label) => h("a", { class: cls, href: tel, onclick: () => report("phone") }, label);
  return h("li", null,
    compact && tel ? h("p", null, call("call name", String(c.name || number(c.phone))))
      : h("p", { class: "name" }, String(c.name || "")),
    tel && !compact ? h("p", null, call("call", fmtNodes(ui.t("call_label"), { phone: number(c.phone) }))) : null,
    telAbroad ? h("p", null, ui.t("contact_phone_abroad") + ": ",
      h("a", { href: telAbroad, onclick: () => report("phone") }, number(c.phone_abroad))) : null,
    url ? h("p", null, ui.t("contact_website") + ": ", h("a", { href: url, target: "_blank", rel: "noopener noreferrer",
      onclick: () => report("web"), onauxclick: () => report("web") }, hostOf(url))) : null,
    c.hours ? h("p", null, ui.t("contact_hours") + ": ", h("bdi", null, String(c.hours))) : null,
    c.look_for ? h("p", { class: "look-for" }, String(c.look_for)) : null);
}

/* Paragraphs to speak, each with a voice for its own language; null if any language has no voice. */
function speechParts(data) {
  const parts = [];
  for (const line of String(data.answer || "").split("\n")) {
    const text = line.replace(/\[\d{1,2}\]/g, "").replace(/[«»—]/g, " ").trim();
    if (!text) continue;
    const lang = isQuoteLine(line) ? data.answer_language || data.language : data.language;
    const voice = voiceFor(lang);
    if (!voice) return null;
    parts.push({ text, voice });
  }
  return parts.length ? parts : null;
}

function readAloudButton(ui, data) {
  if (!synth) return null;
  const label = h("span", null, ui.t("widget_read_aloud"));
  const btn = h("button", { type: "button", class: "small speak", "aria-pressed": "false" }, svgIcon(ICONS.speak), label);
  const stopped = () => { btn.setAttribute("aria-pressed", "false"); label.textContent = ui.t("widget_read_aloud"); };
  const update = () => { btn.hidden = !speechParts(data); };
  btn.addEventListener("click", () => {
    if (btn.getAttribute("aria-pressed") === "true") { stopSpeaking(); stopped(); return; }
    const parts = speechParts(data);
    if (!parts) return;
    btn.setAttribute("aria-pressed", "true");
    label.textContent = ui.t("widget_stop_reading");
    speak(parts, stopped);
  });
  update();
  ui.speechButtons.push(update);
  return btn;
}

function feedbackBlock(ui, item) {
  const wrap = h("div", { class: "tools fb", role: "group", "aria-label": ui.t("widget_feedback_question") });
  const thanks = () => wrap.replaceChildren(h("p", { role: "status" }, ui.t("widget_feedback_thanks")));
  if (item.feedback) { thanks(); return wrap; }
  const send = async (helpful, reason, failSpot) => {
    try {
      await ui.api.feedback(item.data.id, helpful, reason);
      item.feedback = true;
      ui.changed();
      thanks();
    } catch (e) {
      failSpot.replaceChildren(ui.t(errorKey(e)));
    }
  };
  const status = h("p", { role: "status", class: "sr-status" });
  const yes = h("button", { type: "button", class: "small", "aria-pressed": "false" }, svgIcon(ICONS.up), ui.t("widget_feedback_yes"));
  const no = h("button", { type: "button", class: "small", "aria-pressed": "false" }, svgIcon(ICONS.down), ui.t("widget_feedback_no"));
  yes.addEventListener("click", () => { yes.setAttribute("aria-pressed", "true"); send(true, null, status); });
  no.addEventListener("click", () => {
    no.setAttribute("aria-pressed", "true");
    if (wrap.querySelector(".reason")) return;
    const id = uid("reason");
    const box = h("textarea", { id, maxlength: "500", rows: "2" });
    const form = h("form", { class: "reason" },
      h("label", { for: id }, ui.t("widget_feedback_reason")), box,
      h("div", null, h("button", { type: "submit", class: "small" }, ui.t("widget_feedback_send"))));
    form.addEventListener("submit", (ev) => { ev.preventDefault(); send(false, box.value.trim(), status); });
    wrap.insertBefore(form, status);
    box.focus();
  });
  wrap.append(h("span", null, ui.t("widget_feedback_question")), yes, no, status);
  return wrap;
}
