"""The guard's pattern search: lowered patterns keep their escapes, and a message is searched only with the
patterns whose script it holds — the same verdicts as searching every pattern case-insensitively."""
from __future__ import annotations

import re

import numpy as np

from app.guard.classifier import GuardClassifier, lowered, pattern_scripts, scripts, strip_marks


class NoVectors:
    id, dim = "none", 384

    def encode(self, texts, kind="query"):
        return np.zeros((len(texts), self.dim), np.float32)


def test_lowering_keeps_escapes():
    assert lowered(r"\bJag VILL\S+\W\D [A-Z]") == r"\bjag vill\S+\W\D [a-z]"
    assert pattern_scripts(r"\b\w+\s\d{2}") == frozenset({"latin", "arabic", "ethiopic", "cyrillic"})
    assert pattern_scripts(r"\bتولک|tolk\b") == frozenset({"latin", "arabic"})
    assert scripts("tolk میخایم") == frozenset({"latin", "arabic"})


def test_prefiltered_search_gives_the_verdicts_of_a_full_search(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(r"""categories:
  crisis:
    patterns:
      en: ['\bTook A LOT of pills\b', '\bnot\S* breathing']
      ar: ['اخذت حبوب كتير']
      ru: ['\bвыпила все таблетки']
""", encoding="utf-8")
    guard = GuardClassifier(NoVectors(), rules_file=rules)
    full = [re.compile(strip_marks(p), re.IGNORECASE) for p in
            (r"\bTook A LOT of pills\b", r"\bnot\S* breathing", "اخذت حبوب كتير", r"\bвыпила все таблетки")]
    for message, lang in [("I took a lot of pills", "en"), ("he's NOT breathing", "en"), ("انا اخذت حبوب كتير", "ar"),
                          ("Я выпила все таблетки", "ru"), ("Migrationsverket: اخذت حبوب كتير", "ar"),
                          ("how much is the grant?", None), ("كم المنحة؟", None), ("сколько денег?", None)]:
        text = strip_marks(message)
        assert guard.match_pattern("crisis", text) == lang
        assert (lang is not None) == any(p.search(text) for p in full)


LEADING = [   # asking Källa to judge the choice: regret, who is right, most people, a mistake, decide for me
    ("en", "do u think ill regret it if i take the money n go back to iraq"),
    ("sv", "tror du jag kommer ångra mig om jag tar bidraget och åker hem"),
    ("ar", "تتوقع رح اندم اذا اخدت المنحة ورجعت عسوريا"),
    ("prs", "فکر میکنید اگر پول را بگیرم و پس بروم پشیمان میشوم؟"),
    ("so", "ma ka qoomamayn doonaa haddii aan lacagta qaato oo dalka ku laabto"),
    ("ti", "ነቲ ገንዘብ ወሲደ እንተ ተመሊሰ ክጠዓስ ድየ"),
    ("ru", "как думаете я не пожалею если возьму деньги и уеду домой"),
    ("kmr", "tu dibêjî ez ê poşman bibim eger pereyan bistînim û vegerim"),
]
PERSONAL = [  # asking Källa to act on the resident's own file
    ("sv", "hej kan du kolla om min fru står med i ansökningen jag skickade? jag tror jag glömde henne"),
    ("en", "can u check if my wifes name is on the application i sent"),
    ("ar", "ممكن تشيكلي اذا اسم مرتي موجود بالطلب اللي قدمته"),
    ("prs", "لطفاً ببینید که نام خانمم در درخواست ما شامل است یا نی"),
    ("so", "fadlan ii hubi in xaaskayga magaceeda ku jiro codsiga aan diray"),
    ("ti", "በጃኹም ስም በዓልቲ ቤተይ ኣብቲ ዝሰደድክዎ መመልከቲ ከም ዘሎ ርኣዩለይ"),
    ("ru", "проверьте пожалуйста есть ли моя жена в заявлении которое я отправлял"),
    ("kmr", "ji kerema xwe kontrol bikin ka navê jina min di serlêdanê de heye"),
]
GENERAL = [   # first-person general questions: answered, never handed off on a pattern
    "Can I get the grant if I have PUT?", "If I regret it, can I come back to Sweden?", "how do I apply?",
    "Kan jag byta bankkonto senare?", "Vad betyder ett avslag?", "هل يمكنني الحصول على المنحة؟",
    "Is it safe to send my documents by post?", "my husband wants to stay, can I go back with the children?",
    "Сколько денег я получу?", "Waa maxay lacagta dib u celinta?",
    # a question about the home country, not a request to weigh the choice (signposted as not covered)
    "is it safe to go back?", "muqdisho ma ammaan baa", "geri dönmek güvenli mi",
    "ወደ ስዊድን ብመለስ ገንዘቡን መመለስ አለብኝ?",            # must I pay the money back (Amharic 'return' = give back)
    "اول باید برم سفارت؟", "Li Swêdê kî dikare li ser vegerê şîretan li min bike?",   # must I go / who can advise me
    "Nizanim vegerim an bimînim, kesek heye ku şîretan li min bike?",               # asks for a counsellor
    "which documents is it better to bring?", "min fru vill åka hem, vem har rätt till bidraget?",
]


def test_the_real_rules_catch_leading_and_own_case_requests_in_every_script_and_spare_general_questions():
    guard = GuardClassifier(NoVectors())
    for _lang, message in LEADING:
        assert guard.match_pattern("leading", strip_marks(message)) is not None, message
    for _lang, message in PERSONAL:
        assert guard.match_pattern("personal", strip_marks(message)) is not None, message
    for message in GENERAL:
        text = strip_marks(message)
        assert guard.match_pattern("leading", text) is None and guard.match_pattern("personal", text) is None, message


def test_an_everyday_context_takes_the_verdict_from_a_crisis_pattern_but_not_from_a_crisis():
    """"I don't want to wake up" is a crisis pattern; waking up early for an appointment is not a crisis (the
    exemplars still judge the message), and the same words without that context still are."""
    guard = GuardClassifier(NoVectors())
    for message in ["I don't want to wake up early for the interview, can it be later?",
                    "jag vill inte vakna tidigt för mötet, kan det bli senare?",
                    "не хочу просыпаться так рано на встречу"]:
        assert guard.match_pattern("crisis", strip_marks(message)) is None, message
    for message in ["I wrote a goodbye letter to my colleagues, tomorrow is my last day",
                    "hyresvärden slängde ut oss förra året, nu bor vi hos min bror. kan vi få återvandringsbidrag?",
                    "надеюсь не проснусь от будильника соседей"]:
        assert guard.match_pattern("crisis", strip_marks(message)) is None, message
    for message in ["I don't want to wake up tomorrow, nobody would even notice",
                    "jag vill inte vakna i morgon", "не хочу просыпаться завтра, никто даже не заметит"]:
        assert guard.match_pattern("crisis", strip_marks(message)) is not None, message


class SameVector:
    """Every text at cosine 1 to every other: the crisis exemplar is as near as a message can be."""
    id, dim = "same", 4

    def encode(self, texts, kind="query"):
        return np.tile(np.array([1, 0, 0, 0], np.float32), (len(texts), 1))


def test_a_pattern_of_another_kind_decides_over_a_crisis_exemplar_and_the_help_lines_stay(tmp_path):
    """"My wife wants to go back, I don't. Who is right?" sat nearest a crisis exemplar and got the crisis reply; a
    reviewed leading pattern says what it asks. Near a crisis, the help lines still come first (support)."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(r"""categories:
  crisis:
    exemplars:
      en: ["I can't go on, my family is falling apart"]
  leading:
    patterns:
      en: ['\bwho is right\b']
""", encoding="utf-8")
    guard = GuardClassifier(SameVector(), rules_file=rules)
    qvec = np.array([1, 0, 0, 0], np.float32)
    verdict = guard.classify("my wife wants to go back, I don't. who is right?", qvec)
    assert (verdict.category, verdict.evidence, verdict.support) == ("leading", "pattern:en", True)
    assert guard.classify("my family is falling apart, I can't go on", qvec).category == "crisis"


def test_no_pattern_holds_a_control_character():
    """A pattern in YAML double quotes turns "\\b" into a backspace and never matches (an `unless` context was lost
    that way): every pattern is read as written."""
    from app.datafile import load_yaml
    from app.guard.classifier import RULES_FILE

    rules = load_yaml(RULES_FILE.read_text(encoding="utf-8"))["categories"]
    for cat, spec in rules.items():
        for block in ("patterns", "unless"):
            for lang, items in (spec.get(block) or {}).items():
                for p in items or []:
                    assert not any(ord(c) < 0x20 for c in p), (cat, block, lang, p)

