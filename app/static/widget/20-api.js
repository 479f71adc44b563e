/* Talking to the Källa API: no cookies, no referrer, JSON only. */

class ApiError extends Error {
  constructor(status, detail) {
    super(detail || "request failed (" + status + ")");
    this.status = status;
  }
}

function makeApi(base, site) {
  async function call(path, init) {
    let res;
    try {
      res = await fetch(base + path, Object.assign({ credentials: "omit", mode: "cors", referrerPolicy: "no-referrer" }, init));
    } catch (e) {
      throw new ApiError(0, "the Källa service could not be reached (network, or this page's origin is not allowed)");
    }
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) throw new ApiError(res.status, body && typeof body.detail === "string" ? body.detail : "");
    return body;
  }
  const post = (path, payload, keepalive) => call(path, {
    method: "POST", cache: "no-store", headers: { "content-type": "application/json" }, body: JSON.stringify(payload),
    keepalive: Boolean(keepalive),
  });
  const q = (lang) => (lang ? "?language=" + encodeURIComponent(lang) : "");
  return {
    site: (lang) => call("api/sites/" + encodeURIComponent(site) + q(lang)),
    texts: (lang) => call("api/texts/" + encodeURIComponent(lang || "sv")),
    chat: (message, language, history) => post("api/chat", { message, language: language || null, site, history: history || [] }),
    feedback: (answerId, helpful, reason) => post("api/feedback?site=" + encodeURIComponent(site),
      { answer_id: answerId, helpful, reason: reason || null }),
    // One event when a resident uses a handoff contact's phone or web link: the answer, which contact, which
    // link. Nothing else; keepalive lets it finish if the link replaces the page.
    followThrough: (answerId, contact, link) => post("api/followthrough",
      { answer_id: answerId, contact, link, site }, true),
  };
}

/* Which catalogue text explains a failed request to the resident. */
function errorKey(err) {
  if (err && err.status === 403) return "widget_unavailable";
  if (err && err.status === 429) return "rate_limited";
  if (err && (err.status === 422 || err.status === 413)) return "rejected_invalid";
  return "error_generic";
}
