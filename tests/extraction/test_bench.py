"""The scan benchmark runs end to end on a few documents (``make bench`` runs it on 66)."""

from __future__ import annotations

from bench import bench_extraction


def test_the_benchmark_scores_every_field_of_a_card_and_a_licence() -> None:
    table = bench_extraction.run(count=1, engines=("rapidocr",))
    assert "| Email | " in table and "| Licence number | " in table
    assert "| seconds per image, mean | " in table


def test_loose_fields_ignore_case_and_punctuation_but_exact_ones_do_not() -> None:
    assert bench_extraction.correct("company", "Saffron Tavern Ltd.", "SAFFRON TAVERN LTD")
    assert not bench_extraction.correct("email", "a@b.com", "A@b.com")
