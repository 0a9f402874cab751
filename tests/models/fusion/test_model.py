"""The Combiner: output shape and norm, size, and the checked numpy wrapper."""

import numpy as np
import pytest
import torch

from engine.models.fusion.model import Combiner, FusionArchitecture, compose


def unit_rows(n, d, seed):
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_output_is_unit_norm_in_the_input_dimension():
    torch.manual_seed(0)
    model = Combiner(FusionArchitecture(16, 8, 12))
    out = compose(model, unit_rows(5, 16, 1), unit_rows(5, 16, 2))
    assert out.shape == (5, 16) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    one = compose(model, unit_rows(5, 16, 1)[0], unit_rows(5, 16, 2)[0])
    np.testing.assert_allclose(one, out[0], atol=1e-6)


def test_eval_is_deterministic_and_the_default_model_is_small():
    model = Combiner(FusionArchitecture(256))
    r, t = unit_rows(3, 256, 3), unit_rows(3, 256, 4)
    np.testing.assert_array_equal(compose(model, r, t), compose(model, r, t))  # dropout off in eval
    assert model.param_count() < 1_000_000


def test_wrong_dimensions_are_named():
    model = Combiner(FusionArchitecture(16, 8, 12))
    with pytest.raises(ValueError, match="dimension 16"):
        compose(model, unit_rows(2, 8, 1), unit_rows(2, 8, 2))
    with pytest.raises(ValueError, match="equal shape"):
        compose(model, unit_rows(2, 16, 1), unit_rows(3, 16, 2))


def test_architecture_round_trips_through_its_dict():
    arch = FusionArchitecture(32, 16, 24, 0.2)
    assert FusionArchitecture.from_dict(arch.to_dict()) == arch
