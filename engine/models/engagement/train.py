"""Train the engagement model on an indexed workspace and its search log, and measure it on the held-out window.

Steps: load the log and split it by time; estimate position propensities by EM on the training window;
compute features (item priors from the training window only); fit three logistic models - IPW (the one
saved), no-IPW, and COEC-only (the item prior alone, IPW-fitted, the baseline of today's term) - and
measure all three on the held-out window.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from engine.models.engagement.checkpoint import EngagementMeta, catalog_hash, save_engagement
from engine.models.engagement.data import FEATURES, HELD_OUT_SHARE, item_priors, load_log, log_features, time_split
from engine.models.engagement.evaluate import evaluate
from engine.models.engagement.model import train_model
from engine.models.engagement.propensity import DEFAULT_MAX_WEIGHT, estimate_propensities, ipw_weights

LABEL = "long_click or saved"
BASELINE_FEATURES = ("log_coec",)


@dataclass(frozen=True)
class EngagementSettings:
    seed: int = 0
    max_weight: float = DEFAULT_MAX_WEIGHT
    l2: float = 1e-3
    held_out_share: float = HELD_OUT_SHARE
    max_train_rows: int = 500_000  # a larger training window is subsampled (seeded) to this many impressions
    bins: int = 10


@dataclass(frozen=True)
class EngagementReport:
    checkpoint: Path
    seconds: float  # everything: features, propensities, fits, evaluation
    fit_seconds: float  # the three logistic fits
    feature_seconds: float
    train_impressions: int
    held_out_impressions: int
    propensities: list
    metrics: dict  # model name -> evaluate() dict
    coefficients: dict

    def summary(self) -> str:
        lines = [f"engagement model -> {self.checkpoint} ({self.seconds:.1f} s; features {self.feature_seconds:.1f} s, "
                 f"fits {self.fit_seconds:.2f} s)",
                 f"impressions: {self.train_impressions} train, {self.held_out_impressions} held out (last by time)",
                 "propensities (position 1..): " + " ".join(f"{p:.3f}" for p in self.propensities),
                 f"{'model':<10} {'ipw_logloss':>11} {'auc':>7} {'ipw_auc':>8} {'ece':>7}"]
        for name, m in self.metrics.items():
            lines.append(f"{name:<10} {m['ipw_log_loss']:>11.4f} {m['auc']:>7.4f} {m['ipw_auc']:>8.4f} {m['ece']:>7.4f}")
        lines.append("coefficients (standardised): " + ", ".join(f"{k} {v:+.3f}" for k, v in self.coefficients.items()))
        return "\n".join(lines)


def fit_all(x_train, engaged_train, weights_train, settings: EngagementSettings) -> dict:
    """The IPW model, the no-IPW model and the COEC-only baseline, fitted on the same impressions."""
    base = [FEATURES.index(f) for f in BASELINE_FEATURES]
    targets = engaged_train * weights_train
    return {"ipw": train_model(x_train, targets, FEATURES, settings.l2),
            "no_ipw": train_model(x_train, engaged_train.astype(float), FEATURES, settings.l2),
            "coec": train_model(x_train[:, base], targets, BASELINE_FEATURES, settings.l2)}


def train_engagement(context, search_log: Path, out: Path, settings: EngagementSettings = EngagementSettings()
                     ) -> EngagementReport:
    t0 = time.perf_counter()
    train, held = time_split(load_log(search_log), settings.held_out_share)
    if len(train) > settings.max_train_rows:
        keep = np.sort(np.random.default_rng(settings.seed).choice(len(train), settings.max_train_rows, replace=False))
        train = train.iloc[keep].reset_index(drop=True)
    pairs = (train["query"] + "\x1f" + train["item_id"]).to_numpy()
    propensities = estimate_propensities(train["position"].to_numpy(), train["engaged"].to_numpy(), pairs)
    max_position = len(propensities)
    held = held[held["position"] <= max_position].reset_index(drop=True)
    priors = item_priors(train)
    t1 = time.perf_counter()
    x_train, x_held = log_features(context, train, priors), log_features(context, held, priors)
    t2 = time.perf_counter()
    y_train, y_held = train["engaged"].to_numpy(bool), held["engaged"].to_numpy(bool)
    w_train = ipw_weights(train["position"].to_numpy(), propensities, settings.max_weight)
    w_held = ipw_weights(held["position"].to_numpy(), propensities, settings.max_weight)
    models = fit_all(x_train, y_train, w_train, settings)
    t3 = time.perf_counter()
    base = [FEATURES.index(f) for f in BASELINE_FEATURES]
    metrics = {name: evaluate(m.predict(x_held if name != "coec" else x_held[:, base]), y_held, w_held, settings.bins)
               for name, m in models.items()}
    seconds = time.perf_counter() - t0
    ipw = models["ipw"]
    meta = EngagementMeta(model=ipw.to_dict(), catalog_hash=catalog_hash(context.items),
                          propensities=[float(p) for p in propensities], max_weight=settings.max_weight, label=LABEL,
                          settings=asdict(settings), metrics={k: {m: v for m, v in d.items() if m != "reliability"}
                                                              for k, d in metrics.items()},
                          reliability=list(metrics["ipw"]["reliability"]),
                          trained_seconds=round(seconds, 2), train_impressions=len(train),
                          held_out_impressions=len(held))
    path = save_engagement(meta, out)
    return EngagementReport(path, seconds, t3 - t2, t2 - t1, len(train), len(held), meta.propensities, metrics,
                            dict(zip(ipw.features, ipw.coef)))
