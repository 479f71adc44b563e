"""OCR repair measured on the hand-checked seed sample, with the real Swedish lexicon."""
from pathlib import Path

import pytest

from app.corpus.ocr_repair import OcrRepairer

pytestmark = pytest.mark.integration
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "ocr_sample.jsonl"


@pytest.fixture(scope="module")
def repairer():
    return OcrRepairer()


def test_sample_is_big_enough_and_hand_checked():
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 300


def test_repairs_95_percent_and_breaks_no_correct_word(repairer):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from eval_ocr import evaluate

    res = evaluate(SAMPLE, repairer)
    assert res["repair_rate"] >= 0.95, res["misses"][:20]
    assert res["broken"] == 0, res["breaks"]


@pytest.mark.parametrize("raw, expected", [
    ("Begreppen atervandring och dtervindande blandas ofta ihop", "Begreppen återvandring och återvändande blandas ofta ihop"),
    ("man ¢j ldngre har en laglig ritt att vistas", "man ej längre har en laglig rätt att vistas"),
    ("under ar 2025 togs ett beslut", "under år 2025 togs ett beslut"),
    ("att vistas 1 Sverige men", "att vistas i Sverige men"),
    ("Den 1 januari 2026 dndrades reglerna", "Den 1 januari 2026 ändrades reglerna"),
    ("Strengthening Conditions for Repatriation visar", "Strengthening Conditions for Repatriation visar"),
])
def test_known_damage(repairer, raw, expected):
    fixed, changes = repairer.repair(raw)
    assert fixed == expected
    assert all(c.raw != c.repaired for c in changes)
