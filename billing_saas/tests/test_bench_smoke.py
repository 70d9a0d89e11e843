"""`make bench`'s report: figures against their ceilings and goals, read right (no load here)."""

import pytest

from bench.load import LoadError, parse
from bench.report import (
    Figure,
    Samples,
    constant_and_at_most,
    extra_at_most,
    ratio_at_least,
    table,
)

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8000/billing/
  1 threads and 4 connections
  812 requests in 5.01s, 18.2MB read
Requests/sec:    162.07
Transfer/sec:      3.63MB
"""


def dashboard(values, ceiling, minimum=0.25):
    return Figure(
        "`/billing/`",
        Samples(values, "req/s"),
        ratio_at_least(minimum),
        Samples(ceiling, "req/s"),
        "bare view",
    )


def test_the_ratio_is_of_the_medians_and_decides_the_goal():
    # Medians 20 and 90: 0.22, although the best rounds (30 / 100) would make 0.30.
    assert not dashboard([10, 30, 20], [100, 80, 90], minimum=0.25).met
    assert dashboard([10, 30, 20], [100, 80, 90], minimum=0.2).met


def test_a_row_shows_min_median_max_of_both_the_ratio_the_goal_and_its_mark():
    printed = table([dashboard([10, 30, 20], [100, 80, 90])])
    (row,) = printed.splitlines()[2:]
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells == [
        "`/billing/`",
        "10 / 20 / 30 req/s",
        "80 / 90 / 100 req/s (bare view)",
        "0.22",
        "ratio ≥ 0.25",
        "✗",
    ]


def test_routing_overhead_is_the_extra_time_over_the_bare_stack():
    routing = Figure(
        "routing", Samples([1.1, 1.0], "ms"), extra_at_most(1, "ms"), Samples([0.2, 0.2], "ms")
    )
    assert routing.met and "+0.850 ms" in table([routing])
    routing.value = Samples([1.3, 1.3], "ms")
    assert not routing.met


@pytest.mark.parametrize(
    "large, small, met",
    [([5, 5], [5, 5], True), ([6, 5], [5, 5], False), ([6, 6], [5, 5], False), ([13], [13], False)],
)
def test_statements_must_not_grow_with_the_rows_nor_pass_twelve(large, small, met):
    figure = Figure(
        "sql", Samples(large, "statements"), constant_and_at_most(12), Samples(small, "")
    )
    assert figure.met is met


def test_a_round_with_failed_answers_is_refused_not_counted():
    assert parse(WRK_OUTPUT).per_second == 162.07
    with pytest.raises(LoadError):
        parse(WRK_OUTPUT + "  Non-2xx or 3xx responses: 12\n")
