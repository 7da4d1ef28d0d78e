"""The field chips' split: the benches' --split takes the older name too, and chooses the
chips it names."""

from __future__ import annotations

import argparse

import pytest

from bench.fields_data import BENCH_CHIPS, SPLITS, VALIDATION_CHIPS, add_split_argument


def parsed(*argv: str) -> str:
    parser = argparse.ArgumentParser()
    add_split_argument(parser)
    return str(parser.parse_args(argv).split)


def test_split_names_the_benchmark_by_default_or_by_either_name() -> None:
    assert parsed() == parsed("--split", "benchmark") == parsed("--split", "bench") == "benchmark"
    assert SPLITS[parsed()] == BENCH_CHIPS
    assert SPLITS[parsed("--split", "validation")] == VALIDATION_CHIPS
    assert not set(BENCH_CHIPS) & set(VALIDATION_CHIPS)


def test_an_unknown_split_is_refused() -> None:
    with pytest.raises(SystemExit):
        parsed("--split", "train")
