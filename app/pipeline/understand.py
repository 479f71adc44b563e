"""Step — what the question is about (a resident topic, or none) and the kind of answer it asks for.

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
"""
from __future__ import annotations

from app.pipeline.context import Context
from app.pipeline.retrieve import question_bank_scores
from app.topics.classify import TopicMatch

# Calibrated with runs of scripts/eval_resident.py on tests/data/resident_questions_tuning.jsonl
# together with the report questions and off-topic questions of eval_answer_rate.py (docs/evaluation.md); measured
# on the held-out set. The classifier picks the topic; these decide whether the question goes to it.
TOPIC_FLOOR = 0.87          # the question's similarity with the topic's closest examples
BANK_MARGIN = 0.04          # ... and not much further from them than from the closest question-bank question
KIND_BOOST = 0.2            # classifier points for a topic whose kind the question's words ask for
SPECIFIC_KINDS = {"amount", "eligibility", "procedure", "date_duration", "place_channel", "contact"}


def run(ctx: Context) -> None:
    """Reads query, text, language; writes bank and bank_best (for retrieval and the scope gate), gloss (for staff),
    topic_scores (for the guard) and topic."""
    r = ctx.resources
    ctx.bank, ctx.bank_best = question_bank_scores(r.bundle, ctx.query.dense)
    if ctx.language != "sv":     # staff read a question they cannot read through its nearest Swedish bank question
        ctx.gloss = r.bundle.nearest_question(ctx.query.dense, "sv")
    examples = r.bundle.topic_examples
    if examples is None or not len(examples) or r.topics is None:
        return
    scores = ctx.topic_scores = examples.scores(ctx.query.dense)
    kinds = tuple(r.kind_cues.kinds(ctx.text, ctx.language)) if r.kind_cues else ()
    asked = kinds[0] if kinds and kinds[0] in SPECIFIC_KINDS else ""

    def boosted(s) -> float:
        return s.score + (KIND_BOOST if asked and r.topics.topics[s.topic].kind == asked else 0.0)

    ranked = sorted(scores.ranked, key=lambda s: -boosted(s))
    best, runner_up = ranked[0], ranked[1] if len(ranked) > 1 else None
    routed = best.similarity >= TOPIC_FLOOR and best.similarity >= ctx.bank_best - BANK_MARGIN
    ctx.topic = TopicMatch(best.topic if routed else None, best.topic, round(best.similarity, 4),
                           runner_up.topic if runner_up else None, round(runner_up.similarity, 4) if runner_up else 0.0,
                           kinds)
