"""Save and read reviews: the answer as a whole, and each citation against the passage it cites."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.pipeline.redact import redact
from app.staff.auth import Staff
from app.store.models import AnswerRecord, utcnow
from app.store.staff_models import ANSWER_VERDICTS, CITATION_VERDICTS, AnswerReview, CitationReview

MAX_COMMENT = 2000
ANSWER_VERDICT_LABELS = {"correct": "Correct: the quote answers the question",
                         "not_relevant": "The quote does not answer the question",
                         "incorrect": "Incorrect or misleading",
                         "texts_lack_this": "The texts lack this (Källa should have said so)",
                         "should_have_been_no_answer": "Should have been \"the texts do not say\"",
                         "should_have_handed_off": "Should have handed off"}
CITATION_VERDICT_LABELS = {"supported": "Supported", "partly": "Partly supported", "not_supported": "Not supported"}


class ReviewInvalid(ValueError):
    pass


@dataclass
class ReviewForm:
    verdict: str
    comment: str
    citations: dict[int, tuple[str, str]]    # position -> (verdict, comment); unmarked citations left out

    @classmethod
    def from_form(cls, form, n_citations: int) -> "ReviewForm":
        verdict = str(form.get("verdict") or "")
        if verdict not in ANSWER_VERDICTS:
            raise ReviewInvalid("Choose whether the answer as a whole was correct, incorrect or should have "
                                "been handed off.")
        cits: dict[int, tuple[str, str]] = {}
        for pos in range(n_citations):
            v = str(form.get(f"citation-{pos}-verdict") or "")
            c = str(form.get(f"citation-{pos}-comment") or "")
            if v and v not in CITATION_VERDICTS:
                raise ReviewInvalid(f"Citation {pos + 1}: unknown verdict.")
            if v:
                cits[pos] = (v, c)
            elif c.strip():
                raise ReviewInvalid(f"Citation {pos + 1}: choose supported, partly or not supported for the comment.")
        return cls(verdict, str(form.get("comment") or ""), cits)


def _clean(comment: str) -> str:
    """Staff comments are stored like residents' words: after redaction."""
    return redact(comment.strip()[:MAX_COMMENT]).text


def save_review(db: Session, answer: AnswerRecord, staff: Staff, form: ReviewForm) -> AnswerReview:
    review = db.scalar(select(AnswerReview).options(selectinload(AnswerReview.citations))
                       .where(AnswerReview.answer_id == answer.id, AnswerReview.reviewer_id == staff.id))
    now = utcnow()
    if review is None:
        review = AnswerReview(answer_id=answer.id, reviewer_id=staff.id, created_at=now, verdict="", comment="")
        db.add(review)
    review.verdict, review.comment, review.updated_at = form.verdict, _clean(form.comment), now
    review.citations.clear()
    db.flush()   # the unique (review, position) rows go before the new ones come in
    cited = answer.citations or []
    for pos, (verdict, comment) in sorted(form.citations.items()):
        review.citations.append(CitationReview(position=pos, passage_id=cited[pos].get("passage_id", ""),
                                               verdict=verdict, comment=_clean(comment)))
    return review


def reviews_of(db: Session, answer_id: str) -> list[AnswerReview]:
    return list(db.scalars(select(AnswerReview)
                           .options(selectinload(AnswerReview.citations), selectinload(AnswerReview.reviewer))
                           .where(AnswerReview.answer_id == answer_id).order_by(AnswerReview.updated_at)))
