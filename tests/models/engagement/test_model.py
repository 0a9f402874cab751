import numpy as np
import pytest

from engine.models.engagement.model import EngagementModel, fit_logistic, sigmoid, train_model


def test_fit_is_a_stationary_point_of_the_weighted_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    targets = rng.random(400) * 2.0  # IPW targets may exceed 1
    coef, intercept = fit_logistic(x, targets, l2=0.01)
    s = sigmoid(x @ coef + intercept)
    np.testing.assert_allclose(x.T @ (s - targets) / 400 + 0.01 * coef, 0.0, atol=1e-8)
    assert abs(np.mean(s - targets)) < 1e-8  # the unpenalised intercept matches the mean target


def test_learns_a_planted_signal():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(20000, 2))
    y = rng.random(20000) < sigmoid(2.0 * x[:, 0] - 1.0)
    model = train_model(x, y.astype(float), ("signal", "noise"), l2=0.0)
    raw = np.array(model.coef) / np.array(model.scale)
    assert abs(raw[0] - 2.0) < 0.15 and abs(raw[1]) < 0.1
    assert model.predict(np.array([[3.0, 0.0]]))[0] > 0.9 > 0.1 > model.predict(np.array([[-3.0, 0.0]]))[0]


def test_ipw_targets_recover_the_examined_rate_and_plain_ones_do_not():
    rng = np.random.default_rng(2)
    n = 40000
    x = rng.normal(size=(n, 1))
    theta = np.array([1.0, 0.5, 0.25])
    position = rng.integers(1, 4, n)
    relevant = rng.random(n) < sigmoid(x[:, 0])
    engaged = relevant & (rng.random(n) < theta[position - 1])
    ipw = train_model(x, engaged / theta[position - 1], ("x",), l2=0.0)
    plain = train_model(x, engaged.astype(float), ("x",), l2=0.0)
    grid = np.array([[-1.0], [0.0], [1.0]])
    np.testing.assert_allclose(ipw.predict(grid), sigmoid(grid[:, 0]), atol=0.03)
    assert (plain.predict(grid) < sigmoid(grid[:, 0]) - 0.1).all()


def test_round_trip_and_shape_check():
    model = EngagementModel(("a", "b"), (0.0, 1.0), (1.0, 2.0), (0.5, -0.5), 0.1)
    assert EngagementModel.from_dict(model.to_dict()) == model
    assert model.predict(np.array([[1.0, 3.0]]))[0] == pytest.approx(sigmoid(0.5 - 0.5 + 0.1))
    with pytest.raises(ValueError, match="expected \\(n, 2\\)"):
        model.predict(np.zeros((1, 3)))
