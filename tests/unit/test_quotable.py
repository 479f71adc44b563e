"""Which sentences compose may quote on their own."""
import pytest

from app.corpus.sentences import quotable


@pytest.mark.parametrize("sentence", [
    "Se [Repatriering: Åt vende hjem | DRC Dansk Flygtningehjaelp].",           # a footnote's reference
    "Se https://www.migrationsverket.se/atervandring (hämtad 2025-08-22).",
    "4.1.1 Målgruppsanalys",                                                     # a heading
    "- blanketter och broschyrer",                                               # list debris
])
def test_references_headings_and_debris_are_not_quoted(sentence):
    assert not quotable(sentence)


@pytest.mark.parametrize("sentence", [
    "Återvandringsbidraget kan sökas av den som har uppehållstillstånd och vill flytta hem.",
    "Migrationsverket (MV) ansvarar för att informera om bidraget till målgruppen.",
])
def test_sentences_that_say_something_are_quoted(sentence):
    assert quotable(sentence)
