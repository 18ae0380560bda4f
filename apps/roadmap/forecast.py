"""Monte Carlo delivery forecasts, as plain functions over numpy arrays.

The team's own history says how much it finishes per period: points per
sprint from closed sprints' frozen figures, or items per week from when
backlog items were finished. The remaining work is a total per run: point
estimates as they are, three-point ranges sampled (triangular, by its inverse
distribution function, so that it stays vectorised). Each run then draws
periods from the history until the work is done; the spread of the runs'
finishing days gives the dates by which the work is 50, 85 and 95 % likely
done, and the chance of meeting a target date.

The plain bootstrap treats a short history as the truth, so three sprints
would look as certain as thirty. Each run therefore also scales its draws by
the mean of its own resample of the history: the uncertainty of the team's
true rate, which shrinks as the history grows.

Runs are seeded, and the random streams for the flow and for the work are
separate, with the flow drawn in fixed blocks of periods: the same seed gives
the same forecast, and more remaining work never gives an earlier date.
"""

import datetime
import math
from dataclasses import dataclass, field

import numpy as np

RUNS = 10_000
MIN_CLOSED_SPRINTS = 3
MIN_FINISHED_ITEMS = 10
# Periods drawn at a time for every run; a run that is not done after
# MAX_PERIODS periods (ten years of two-week sprints) counts as "not in sight".
BLOCK = 32
MAX_PERIODS = 260
# Ranged items are sampled this many at a time, so memory stays flat in the item count.
ITEM_CHUNK = 50
# Points of each item's inverse distribution function that draws are taken from.
QUANTILES = 1024
HISTOGRAM_BINS = 24
PERCENTILES = (50, 85, 95)


@dataclass(frozen=True)
class Throughput:
    """What the team finished per period, oldest first: points per sprint or items per week."""

    per_period: np.ndarray
    period_days: float
    unit: str  # "points" or "items"


@dataclass(frozen=True)
class Work:
    """Remaining work: a fixed part (point estimates, or an item count) and
    three-point ranges (low ≤ likely ≤ high) sampled per run."""

    fixed: float = 0.0
    low: np.ndarray = field(default_factory=lambda: np.zeros(0))
    likely: np.ndarray = field(default_factory=lambda: np.zeros(0))
    high: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def is_empty(self) -> bool:
        return self.fixed <= 0 and not np.any(self.high > 0)


@dataclass(frozen=True)
class Summary:
    p50: datetime.date | None
    p85: datetime.date | None
    p95: datetime.date | None
    chance_on_target: float | None
    histogram: list[dict]


def not_enough_history(*, closed_sprints: int, finished_items: int) -> str | None:
    """Why no forecast can be made yet, or None when the history suffices."""
    if closed_sprints >= MIN_CLOSED_SPRINTS or finished_items >= MIN_FINISHED_ITEMS:
        return None
    return (
        f"Not enough history to forecast yet: it needs {MIN_CLOSED_SPRINTS} closed sprints "
        f"(this product has {closed_sprints}) or {MIN_FINISHED_ITEMS} finished backlog items "
        f"(it has {finished_items}). Until then no date is given rather than a guess."
    )


def sample_work(work: Work, runs: int, rng: np.random.Generator) -> np.ndarray:
    """The total remaining work of each run. Each ranged item is drawn from its
    triangular distribution through a table of its inverse distribution
    function at QUANTILES evenly spaced points (a draw is a table look-up, which
    keeps 10,000 runs over hundreds of items within milliseconds). Items are
    drawn one after another (all runs of an item together), so an added item
    leaves the draws of the others as they were."""
    total = np.full(runs, float(work.fixed))
    if work.low.size == 0:
        return total
    table = inverse_triangular(work.low, work.likely, work.high)
    for start in range(0, work.low.size, ITEM_CHUNK):
        rows = table[start : start + ITEM_CHUNK]
        # Small integers keep the look-ups cheap (ITEM_CHUNK * QUANTILES fits in 16 bits).
        picks = rng.integers(0, QUANTILES, size=(rows.shape[0], runs), dtype=np.uint16)
        picks += (np.arange(rows.shape[0], dtype=np.uint16) * QUANTILES)[:, None]
        total += rows.ravel()[picks].sum(axis=0)
    return total


def inverse_triangular(low: np.ndarray, likely: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per item, the values of its triangular distribution at the quantiles
    (k + 0.5) / QUANTILES: shape (items, QUANTILES)."""
    u = (np.arange(QUANTILES) + 0.5) / QUANTILES
    low, likely, high = low[:, None], likely[:, None], high[:, None]
    width = high - low
    split = np.divide(likely - low, width, out=np.full_like(width, 0.5), where=width > 0)
    below = low + np.sqrt(u * width * (likely - low))
    above = high - np.sqrt((1.0 - u) * width * (high - likely))
    return np.where(u < split, below, above)


def simulate_days(throughput: Throughput, work: Work, *, runs: int = RUNS, seed: int = 0) -> np.ndarray:
    """Days from the start until the work is done, one value per run
    (fractional: the last period counts in part); inf beyond MAX_PERIODS."""
    history = np.asarray(throughput.per_period, dtype=float)
    if history.size == 0 or history.mean() <= 0:
        raise ValueError("The history finished nothing; there is no rate to forecast with.")
    flow_rng, work_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    size = history.size
    scale = history[flow_rng.integers(0, size, size=(runs, size))].mean(axis=1) / history.mean()
    total = sample_work(work, runs, work_rng)

    periods = np.where(total <= 0, 0.0, np.inf)
    left = np.flatnonzero(total > 0)  # runs whose work is not done yet
    done = np.zeros(runs)  # work each run got through in the blocks so far
    offset = 0
    while left.size and offset < MAX_PERIODS:
        # Drawn for every run, finished or not, so that each run's stream is the same whatever the others need.
        picks = flow_rng.integers(0, size, size=(runs, BLOCK), dtype=np.int32)[left]
        draws = history[picks] * scale[left, None]
        reached_by = np.cumsum(draws, axis=1)
        reached_by += done[left, None]
        # Draws are never negative, so the periods still short of the work come first.
        first = np.count_nonzero(reached_by < total[left, None], axis=1)
        hit = first < BLOCK
        rows, at = np.flatnonzero(hit), first[hit]
        runs_hit = left[hit]
        before = np.where(at > 0, reached_by[rows, np.maximum(at - 1, 0)], done[runs_hit])
        periods[runs_hit] = offset + at + (total[runs_hit] - before) / draws[rows, at]
        done[left] = reached_by[:, -1]
        left = left[~hit]
        offset += BLOCK
    return periods * throughput.period_days


def summarize(days: np.ndarray, *, start: datetime.date, target: datetime.date | None) -> Summary:
    """Percentile dates, the chance of meeting `target`, and a histogram of finishing dates."""
    whole_days = np.ceil(days)  # done during a day counts as done that day
    quantiles = np.quantile(whole_days, [p / 100 for p in PERCENTILES], method="inverted_cdf")
    p50, p85, p95 = (_day(start, value) for value in quantiles)
    chance = None
    if target is not None:
        chance = float(np.mean(whole_days <= (target - start).days))
    return Summary(p50=p50, p85=p85, p95=p95, chance_on_target=chance, histogram=histogram(whole_days, start=start))


def histogram(whole_days: np.ndarray, *, start: datetime.date) -> list[dict]:
    """Runs per bin of finishing dates, in whole weeks (wider bins when the
    spread is long); runs beyond the last bin are counted in a final open bin."""
    runs = whole_days.size
    finite = whole_days[np.isfinite(whole_days)]
    if finite.size == 0:
        return [{"from": None, "to": None, "runs": runs, "share": 1.0, "cumulative": 1.0}]
    low = float(np.min(finite))
    high = float(np.quantile(finite, 0.995, method="inverted_cdf"))
    width = 7 * max(1, math.ceil((high - low + 1) / HISTOGRAM_BINS / 7))
    first = math.floor(low / width) * width
    edges = np.arange(first, high + width + 1, width)
    counts, _ = np.histogram(whole_days[whole_days < edges[-1]], bins=edges)
    bins, cumulative = [], 0
    for n, count in enumerate(counts):
        cumulative += int(count)
        bins.append(
            {
                "from": (start + datetime.timedelta(days=int(edges[n]))).isoformat(),
                "to": (start + datetime.timedelta(days=int(edges[n + 1]) - 1)).isoformat(),
                "runs": int(count),
                "share": round(int(count) / runs, 4),
                "cumulative": round(cumulative / runs, 4),
            }
        )
    later = runs - cumulative
    if later:
        bins.append(
            {
                "from": (start + datetime.timedelta(days=int(edges[-1]))).isoformat(),
                "to": None,
                "runs": later,
                "share": round(later / runs, 4),
                "cumulative": 1.0,
            }
        )
    return bins


def _day(start: datetime.date, days: float) -> datetime.date | None:
    if not math.isfinite(days):
        return None
    return start + datetime.timedelta(days=int(days))
