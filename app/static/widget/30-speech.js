/* Read aloud with the browser's own speech synthesis; nothing is sent anywhere. A language without a
   voice on this device gets no button at all. */

const synth = typeof window.speechSynthesis !== "undefined" ? window.speechSynthesis : null;
// Close relatives stand in where devices rarely have a voice (a Persian voice reads Dari well).
const VOICE_LANGS = { prs: ["prs", "fa"], kmr: ["kmr", "ku"], bs: ["bs", "hr", "sr"] };

function voiceFor(lang) {
  if (!synth || !lang) return null;
  const voices = synth.getVoices() || [];
  for (const want of VOICE_LANGS[lang] || [lang]) {
    const v = voices.find((voice) => String(voice.lang || "").toLowerCase().replace("_", "-").split("-")[0] === want);
    if (v) return v;
  }
  return null;
}

function onVoicesChanged(fn) {
  if (synth && synth.addEventListener) synth.addEventListener("voiceschanged", fn);
}

function speak(parts, onDone) {
  synth.cancel();
  parts.forEach((part, i) => {
    const u = new SpeechSynthesisUtterance(part.text);
    u.voice = part.voice;
    u.lang = part.voice.lang;
    if (i === parts.length - 1) { u.onend = onDone; u.onerror = onDone; }
    synth.speak(u);
  });
}

function stopSpeaking() {
  if (synth) synth.cancel();
}
