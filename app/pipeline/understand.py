"""Step — what the question is about (a resident topic, or none), the kind of answer it asks for, and in a
conversation whether it is a follow-up of the previous question.

The topic decides what may be quoted:
- a topic answered from Källa's own data (contact details, help in my language, what Källa is): the service answer;
- any other resident topic: only sentences that answer THAT topic (the index's coverage); when none does, the
  resident is told plainly that the texts do not say, and who does;
- no resident topic (a question about what the reports themselves say, e.g. how many applications came in):
  the general route, the best passages if they are close enough — and a sentence of the kind asked for.

A question goes to a topic when it is close to one of the topic's example questions (TOPIC_FLOOR) and at least
about as close as to the nearest question-bank question (questions about what the passages say): a resident
asking "how much will I get?" is nearer the `amount` examples; a reader asking "how many times was the form
downloaded?" is nearer a bank question of the passage that says so.

A follow-up ("and for the children?", "و للأطفال؟") is read together with the question it leans on, for the topic
and for retrieval; a message that is a question of its own ("what is Migrationsverket's phone number?") is not
dragged back to the previous topic (is_follow_up).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from app.index.embedders import QuestionVectors
from app.pipeline.context import Context, Resources
from app.pipeline.retrieve import question_bank_scores
from app.topics.classify import SECOND_KINDS, TopicMatch, TopicScores

# Calibrated with runs of scripts/eval_resident.py on tests/data/resident_questions_tuning.jsonl
# together with the report questions and off-topic questions of eval_answer_rate.py (docs/evaluation.md); measured
# on the held-out set. The classifier picks the topic; these decide whether the question goes to it.
TOPIC_FLOOR = 0.87          # the question's similarity with the topic's closest examples
BANK_MARGIN = 0.08          # ... and not much further from them than from the closest question-bank question
KIND_BOOST = 0.2            # classifier points for a topic whose kind the question's words ask for
SERVICE_LEAD = 0.0         # a topic answered from Källa's data must be at least as close as the best texts topic ...
SERVICE_SURE = 0.8          # ... unless the classifier prefers it by this many points ("are you a robot? do you decide?")
CONTACT_FLOOR = 0.85        # a question whose words ask for a phone, an address, hours ... goes to contact when this close
DATA_LEAD = 0.02            # ... and to it rather than a texts topic of the same kind when this much closer
SPECIFIC_KINDS = {"amount", "eligibility", "procedure", "date_duration", "place_channel", "contact"}

# Follow-ups, calibrated on tests/data/followup_tuning.jsonl (scripts/eval_followup.py; docs/evaluation.md).
OWN_TOPIC = 0.88            # a message this close to a topic's examples is a question of its own ...
SHORT = 4                   # ... unless it is this short (words) or starts/leans like a follow-up
SERVICE_TOPIC = 0.89        # a question for Källa's own data is one of its own when this close to its examples ...
SERVICE_WORDS = 3           # ... and this long: "in Arabic?", "online?" after a question lean on it
SERVICE_SENTENCE = (0.865, 5)  # a whole sentence for Källa's data needs less: "does this chat make decisions?"
JOINT_GAIN = 0.01           # a short or leaning message that fits a topic this much better read with the previous
                            # question than alone is a follow-up, however close it sits to a topic of its own
SERVICE_JOINT_GAIN = 0.03   # ... and a short one that alone looks like a question for Källa's data ("which bank?")
SUBJECT_LEAD = 0.3          # a follow-up that alone is this clearly about one topic (classifier points over the next)
                            # keeps that topic when it is among the two best of the joint reading: "and the children?"
                            # after "who can get the grant?" asks about family members, not eligibility again


@dataclass(frozen=True)
class Reading:
    """One way of reading the message: on its own, or together with the previous question."""
    bank: np.ndarray | None
    bank_best: float
    scores: TopicScores | None
    match: TopicMatch | None

    @property
    def scope(self) -> float:
        """How close the reading is to a general question (a topic example or a bank question)."""
        return max(self.scores.nearest_example if self.scores else 0.0, self.bank_best if self.bank is not None else 0.0)


def read(r: Resources, vectors: QuestionVectors, kinds: tuple[str, ...], subject: str | None = None) -> Reading:
    bank, bank_best = question_bank_scores(r.bundle, vectors.dense)
    examples = r.bundle.topic_examples
    if examples is None or not len(examples) or r.topics is None:
        return Reading(bank, bank_best, None, None)
    scores = examples.scores(vectors.dense)
    asked = kinds[0] if kinds and kinds[0] in SPECIFIC_KINDS else ""

    def boosted(s) -> float:
        return s.score + (KIND_BOOST if asked and r.topics.topics[s.topic].answers_kind(asked) else 0.0)

    ranked = sorted(scores.ranked, key=lambda s: -boosted(s))
    best = next((s for s in ranked[:2] if s.topic == subject), ranked[0])
    data = next((s for s in ranked if asked and r.topics.topics[s.topic].answered_by != "texts" and
                 r.topics.topics[s.topic].answers_kind(asked)), None)
    if data is not None and r.topics.topics[best.topic].answered_by == "texts" and \
            data.similarity >= best.similarity + DATA_LEAD:
        best = data     # "where is the office?": clearly nearer the contact details than "who handles the grant"
    # "When can I call?" names what it wants: contact details are the answer even when a texts topic sits as close.
    asked_of_data = best is data
    if r.topics.topics[best.topic].answered_by != "texts" and not asked_of_data:
        # "Is it Migrationsverket or the kommun that decides?" is not "are you Migrationsverket?": a question for Källa's
        # own data must be clearly closer to it than to the texts' topics, unless the classifier has no doubt ("Are you
        # a robot? Is it you who decides if I get the grant?" asks about Källa, however near its words sit to eligibility).
        texts = next((s for s in ranked if r.topics.topics[s.topic].answered_by == "texts"), None)
        if texts is not None and texts.similarity > best.similarity - SERVICE_LEAD and \
                boosted(best) - boosted(texts) < SERVICE_SURE:
            best = texts
    rest = [s for s in ranked if s is not best]
    runner_up = rest[0] if rest else None
    # A count ("how many applications?", "how many visitors clicked through from the website?") is a figure of the
    # reports: no sum of money and no contact detail, however close those topics' examples sit.
    count_asked = "count" in kinds and not {"amount", "date_duration"} & set(kinds)
    chosen = r.topics.topics[best.topic]
    counted = count_asked and (chosen.kind == "amount" or chosen.answered_by != "texts")
    floor = CONTACT_FLOOR if asked_of_data else TOPIC_FLOOR
    routed = best.similarity >= floor and best.similarity >= bank_best - BANK_MARGIN and not counted
    match = TopicMatch(best.topic if routed else None, best.topic, round(best.similarity, 4),
                       runner_up.topic if runner_up else None, round(runner_up.similarity, 4) if runner_up else 0.0,
                       kinds)
    return Reading(bank, bank_best, scores, match)


def is_follow_up(ctx: Context, own: Reading, joint: Reading) -> bool:
    """A message leans on the previous question unless it is a question of its own: close to a topic other than
    the previous one, neither short nor phrased as a follow-up. A question for Källa's own data (contact, help in
    my language, what Källa is) is one of its own when it is close to that topic and not a mere fragment ("what is
    their phone number?" is about contact; "in Arabic?" after "can I talk to someone?" asks for counselling).
    Either way a short message that makes clearly more sense with the previous question than alone ("into which
    bank?" after "when is the grant paid?", "can they help me apply?" after "what does the kommun do?") leans on it.
    """
    r = ctx.resources
    match = own.match
    topic = r.topics.topics.get(match.topic) if r.topics and match and match.topic else None
    words = len(ctx.text.split())
    gain = (joint.match.score - match.score) if joint.match is not None and match is not None else 0.0
    if topic is not None and topic.answered_by != "texts":
        of_its_own = (match.score >= SERVICE_TOPIC and words >= SERVICE_WORDS) or \
            (match.score >= SERVICE_SENTENCE[0] and words >= SERVICE_SENTENCE[1])
        return not of_its_own or (words <= SHORT and gain >= SERVICE_JOINT_GAIN)
    if topic is not None and topic.id == ctx.previous_topic:
        return True
    phrased = words <= SHORT or (r.follow_up_cues is not None and r.follow_up_cues.leans(ctx.text, ctx.language))
    return phrased and (topic is None or match.score < OWN_TOPIC or gain >= JOINT_GAIN)


def own_subject(own: Reading) -> str | None:
    """The topic a follow-up names by itself ("and the children?" → family), when the classifier has no doubt."""
    ranked = own.scores.ranked if own.scores else ()
    if len(ranked) >= 2 and ranked[0].score - ranked[1].score >= SUBJECT_LEAD:
        return ranked[0].topic
    return None


def run(ctx: Context) -> None:
    """Reads query, context_query, text, language, previous_topic; writes bank and bank_best (for retrieval and
    the scope gate), gloss (for staff), topic_scores and own_scope (for the guard), topic and follow_up."""
    r = ctx.resources
    if ctx.language != "sv":     # staff read a question they cannot read through its nearest Swedish bank question
        ctx.gloss = r.bundle.nearest_question(ctx.query.dense, "sv")
    own_kinds = tuple(r.kind_cues.kinds(ctx.text, ctx.language, ctx.written_in)) if r.kind_cues else ()
    reading = own = read(r, ctx.query, own_kinds)
    ctx.own_scope = own.scope
    if ctx.context_query is not None:
        # The follow-up's own kind of answer wins ("how much?" → "and when is it paid?" asks for a date).
        kinds = own_kinds or (tuple(r.kind_cues.kinds(ctx.context_text, ctx.language, ctx.written_in))
                              if r.kind_cues else ())
        joint = read(r, ctx.context_query, kinds)
        if is_follow_up(ctx, own, joint):
            subject = own_subject(own)
            reading, ctx.follow_up = (read(r, ctx.context_query, kinds, subject) if subject else joint), True
    ctx.bank, ctx.bank_best, ctx.topic_scores, ctx.topic = reading.bank, reading.bank_best, reading.scores, reading.match
    ctx.other_part = other_part(r, ctx.context_query if ctx.follow_up else ctx.query, reading.match)


def other_part(r: Resources, vectors: QuestionVectors, match: TopicMatch | None) -> TopicMatch | None:
    """A question asking for two kinds of answer ("what is the grant and how do I apply?") read for its other part:
    the topic it names, when another than the first. When the texts lack the first topic, compose quotes the other
    (read for the kinds after the first); when they answer it, the card says that they lack the other (read for the
    kinds the first topic does not answer: "ما هي …؟ وكيف أقدم؟" may go to what the grant is although "how" came
    first)."""
    if match is None or match.topic is None or len(match.kinds) < 2:
        return None
    first = r.topics.topics[match.topic]
    if first.answered_by != "texts":
        return None
    coverage = r.bundle.coverage
    if coverage is None or not coverage.covered(first.id):
        second = read(r, vectors, match.kinds[1:]).match
        return second if second is not None and second.topic not in (None, match.topic) else None
    kinds = tuple(k for k in match.kinds if not first.answers_kind(k))
    if not kinds or kinds[0] not in SECOND_KINDS:
        return None
    reading = read(r, vectors, kinds)
    second = reading.match
    if second is not None and second.topic == match.topic and reading.scores:
        # The words that ask for the first part can outweigh the other's: the closest other topic of that kind, if
        # close enough to be a topic at all (only a card comes of it, never a quote).
        other = next((s for s in reading.scores.ranked if s.topic != match.topic and
                      r.topics.topics[s.topic].answers_kind(kinds[0])), None)
        if other is not None and other.similarity >= TOPIC_FLOOR:
            second = TopicMatch(other.topic, other.topic, round(other.similarity, 4), match.topic,
                                round(match.score, 4), kinds)
    return second if second is not None and second.topic not in (None, match.topic) else None
