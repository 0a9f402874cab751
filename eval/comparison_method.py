"""How a report's intervals, p-values and significance marks were made, in words shown beside the numbers."""

from __future__ import annotations

from dataclasses import dataclass

from eval.multiple_testing import HOLM

INTERVAL = "percentile bootstrap"  # queries resampled with replacement; the interval of the mean per-query delta
TEST = "two-sided paired randomization test (sign flips of the per-query deltas)"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class ComparisonMethod:
    """The settings behind a paired comparison table, and the sentences that state them."""

    confidence: float  # of the bootstrap interval, e.g. 0.95
    resamples: int  # bootstrap resamples, and as many sign-flip permutations
    seed: int  # of both draws: the same seed gives the same numbers in the app and the CLI
    alpha: float  # family-wise error rate of the Holm correction; adjusted p <= alpha is marked significant
    comparisons: int  # how many (group, measure) p-values the correction spans
    relevance_level: float  # graded labels >= this count relevant for the binary measures
    binary_labels: bool  # the judgments are 0/1 already: relevant means label 1
    level_measures: tuple[str, ...]  # the table's measures that count relevant by the level (P, R, map, ...)
    aggregate: str  # how several raters' labels of one result become one grade

    def interval(self) -> str:
        return (f"CI: {self.confidence:.0%} {INTERVAL} of the mean per-query delta "
                f"({self.resamples:,} resamples of the queries, seed {self.seed})")

    def test(self) -> str:
        return f"p: {TEST}, {self.resamples:,} permutations, seed {self.seed}"

    def correction(self) -> str:
        return (f"significance: {HOLM} over the table's {self.comparisons} comparisons (every measure in every "
                f"query group); marked * where the adjusted p <= {self.alpha:g}")

    def threshold(self) -> str:
        measures = ", ".join(self.level_measures) or "none of the measures shown"
        relevant = "label 1 (binary judgments)" if self.binary_labels else \
            f"{self.aggregate} grade >= {_number(self.relevance_level)} on the 0-4 scale"
        return (f"relevant (for {measures}): {relevant}; a measure written with (rel=L) uses L instead, and the "
                "other measures use the grades themselves")

    def lines(self) -> list[str]:
        return [self.interval(), self.test(), self.correction(), self.threshold()]

    def to_dict(self) -> dict:
        return {"interval": INTERVAL, "confidence": self.confidence, "resamples": self.resamples, "seed": self.seed,
                "test": TEST, "permutations": self.resamples, "correction": HOLM, "alpha": self.alpha,
                "comparisons": self.comparisons, "relevance_level": self.relevance_level,
                "binary_labels": self.binary_labels, "level_measures": list(self.level_measures),
                "aggregate": self.aggregate, "text": self.lines()}
