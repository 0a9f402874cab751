"""The logQ-corrected sampled softmax on a hand-computed 2x3 case."""

import math

import pytest
import torch

from engine.models.searchsage.loss import in_batch_log_q, sampled_softmax_loss, uniform_log_q


def _ce(logits, label):
    return -(logits[label] - math.log(sum(math.exp(v) for v in logits)))


def test_logq_loss_on_a_hand_computed_2x3_case():
    scores = torch.tensor([[1.0, 0.0, 2.0], [0.5, 1.0, 0.0]])
    q = [0.5, 0.25, 1.0]
    log_q = torch.log(torch.tensor(q))
    labels = torch.tensor([0, 1])
    t = 0.5
    row0 = [1.0 / t - math.log(0.5), 0.0 / t - math.log(0.25), 2.0 / t - math.log(1.0)]
    row1 = [0.5 / t - math.log(0.5), 1.0 / t - math.log(0.25), 0.0 / t - math.log(1.0)]
    expected = (_ce(row0, 0) + _ce(row1, 1)) / 2
    assert float(sampled_softmax_loss(scores, log_q, labels, t)) == pytest.approx(expected, rel=1e-6)
    # without the correction the loss differs: the frequent candidate 2 is no longer discounted less
    assert float(sampled_softmax_loss(scores, torch.zeros(3), labels, t)) != pytest.approx(expected, rel=1e-3)


def test_a_masked_candidate_takes_no_part():
    scores = torch.tensor([[1.0, 0.0, 2.0], [0.5, 1.0, 0.0]])
    mask = torch.tensor([[False, False, True], [False, False, False]])
    got = float(sampled_softmax_loss(scores, torch.zeros(3), torch.tensor([0, 1]), 1.0, mask))
    expected = (_ce([1.0, 0.0], 0) + _ce([0.5, 1.0, 0.0], 1)) / 2
    assert got == pytest.approx(expected, rel=1e-6)


def test_sampling_probabilities():
    assert float(in_batch_log_q(torch.tensor([3]), total=60, batch_size=10)[0]) == pytest.approx(math.log(10 * 3 / 60))
    assert uniform_log_q(100, 1000) == pytest.approx(math.log(0.1))


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="scores must be"):
        sampled_softmax_loss(torch.zeros(2, 3), torch.zeros(2), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="temperature must be positive"):
        sampled_softmax_loss(torch.zeros(2, 3), torch.zeros(3), torch.tensor([0, 1]), 0.0)
