"""RFM scoring: quintiles within the tenant, ties sharing a score, stored breakpoints agreeing with the
full scoring, and the segment of each combination."""

from __future__ import annotations

from leora.enrichment import rfm


def test_ten_distinct_values_fall_two_to_each_quintile() -> None:
    assert rfm.quintile_scores([10, 1, 2, 3, 4, 5, 6, 7, 8, 9]) == [5, 1, 1, 2, 2, 3, 3, 4, 4, 5]


def test_equal_values_share_the_score_of_their_middle_rank() -> None:
    # Six of ten customers ordered once: all get the score of ranks 0-5's middle (2.5 of 10 -> 2).
    assert rfm.quintile_scores([1, 1, 1, 1, 1, 1, 4, 6, 8, 20]) == [2, 2, 2, 2, 2, 2, 4, 4, 5, 5]


def test_a_tenant_of_identical_customers_scores_them_all_in_the_middle() -> None:
    assert rfm.quintile_scores([3.0, 3.0, 3.0]) == [3, 3, 3]


def test_one_customer_alone_scores_in_the_middle() -> None:
    assert rfm.quintile_scores([42.0]) == [3]


def test_stored_breakpoints_give_every_scored_value_its_own_score() -> None:
    values = [5.0, 1.0, 1.0, 9.0, 3.0, 3.0, 3.0, 12.0, 40.0, 2.0, 7.0]
    scores = rfm.quintile_scores(values)
    cuts = rfm.breakpoints(values, scores)
    assert [rfm.score_against(v, cuts) for v in values] == scores


def test_a_new_value_scores_against_the_breakpoints_of_the_others() -> None:
    values = [float(v) for v in range(1, 11)]
    cuts = rfm.breakpoints(values, rfm.quintile_scores(values))
    assert cuts == [3.0, 5.0, 7.0, 9.0]
    assert [rfm.score_against(v, cuts) for v in (0.5, 4.5, 8.0, 100.0)] == [1, 2, 4, 5]


def test_breakpoints_of_a_score_nobody_got_are_none_and_skipped() -> None:
    assert rfm.breakpoints([3.0, 3.0], [3, 3]) == [None, 3.0, None, None]
    assert rfm.score_against(3.0, [None, 3.0, None, None]) == 3
    assert rfm.score_against(1.0, [None, 3.0, None, None]) == 1


def test_segments_follow_the_documented_rules() -> None:
    cases = {
        (5, 5, 5): "Champions",
        (4, 4, 3): "Champions",
        (3, 3, 3): "Loyal",
        (5, 3, 2): "Loyal",
        (5, 1, 1): "New",
        (4, 3, 1): "Promising",
        (3, 1, 2): "Needs attention",
        (1, 5, 4): "Can't lose them",
        (2, 5, 5): "At risk",
        (1, 3, 3): "At risk",
        (2, 2, 2): "Hibernating",
        (1, 1, 1): "Hibernating",
    }
    assert {scores: rfm.segment_of(*scores) for scores in cases} == cases
    assert set(cases.values()) == set(rfm.SEGMENTS)
