"""The one count-model fit behind the phase comparison and the regression-to-the-mean check.

A Poisson GLM of migraine days with ``log(recorded days)`` as offset, fitted by statsmodels.
Its point estimates are the Poisson (quasi-likelihood) estimates; its covariance never treats
neighbouring periods as independent: it is the wider, coefficient by coefficient, of

* the Newey–West (HAC, Bartlett kernel) sandwich, robust to over-dispersion and to
  autocorrelation between neighbouring periods (Newey & West, Econometrica 1987;55:703-708),
  with the Newey–West (1994) bandwidth ``floor(4 (n/100)^(2/9))``, at least 1 lag, and the
  small-sample correction ``n / (n - k)``; and
* the quasi-Poisson covariance ``phi (X'WX)^-1`` with the Pearson dispersion ``phi`` (at least 1).

HAC variances are biased downwards in short series (a client has a dozen periods, not a
thousand), so the sandwich alone would give intervals that are too narrow; the quasi-Poisson
variance is a floor that cannot be undercut. Intervals use Student's t with ``n - k`` degrees of
freedom for the same reason. statsmodels ships no type information, hence the narrow ``Any``.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import statsmodels.api as sm
from numpy.typing import NDArray
from scipy import stats as sps

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Fit:
    """One fitted model: coefficients, their covariance, and how it was obtained."""

    names: tuple[str, ...]
    coef: FloatArray
    cov: FloatArray
    df_resid: int
    dispersion: float
    dispersion_p: float
    maxlags: int
    converged: bool

    def interval(self, name: str, confidence: float) -> tuple[float, float, float, float]:
        """``(ratio, low, high, se)`` for ``exp(coefficient)`` of ``name``."""
        k = self.names.index(name)
        beta = float(self.coef[k])
        se = math.sqrt(max(float(self.cov[k, k]), 0.0))
        q = float(sps.t.ppf(0.5 + confidence / 2, max(self.df_resid, 1)))
        return math.exp(beta), math.exp(beta - q * se), math.exp(beta + q * se), se

    def contrast(self, plus: str, minus: str, confidence: float) -> tuple[float, float, float, float]:
        """``(ratio, low, high, se)`` for ``exp(coef[plus] - coef[minus])``."""
        i, j = self.names.index(plus), self.names.index(minus)
        beta = float(self.coef[i] - self.coef[j])
        var = float(self.cov[i, i] + self.cov[j, j] - 2 * self.cov[i, j])
        se = math.sqrt(max(var, 0.0))
        q = float(sps.t.ppf(0.5 + confidence / 2, max(self.df_resid, 1)))
        return math.exp(beta), math.exp(beta - q * se), math.exp(beta + q * se), se


def newey_west_lags(n: int) -> int:
    """Newey & West (Rev Econ Stud 1994;61:631-653) bandwidth rule, at least one lag."""
    return max(1, int(math.floor(4 * (n / 100) ** (2 / 9))))


def fit_poisson(
    y: FloatArray,
    exposure: FloatArray,
    columns: dict[str, FloatArray],
    *,
    extra_offset: FloatArray | None = None,
) -> Fit:
    """Fit ``log E[y] = log(exposure) [+ extra_offset] + X b`` (``columns`` in order, intercept first)."""
    names = tuple(columns)
    x = np.column_stack([columns[c] for c in names]).astype(np.float64)
    offset = np.log(exposure) + (0.0 if extra_offset is None else extra_offset)
    n, k = x.shape
    model: Any = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # perfect separation / domain warnings surface as non-convergence
        naive: Any = model.fit()
        lags = newey_west_lags(n)
        hac: Any = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    df = n - k
    mu = np.asarray(naive.mu, dtype=np.float64)
    pearson = float(np.sum((y - mu) ** 2 / np.where(mu > 0, mu, np.inf)))
    dispersion = pearson / df if df > 0 else float("nan")
    dispersion_p = float(sps.chi2.sf(pearson, df)) if df > 0 else float("nan")
    scale = max(1.0, dispersion) if df > 0 else 1.0
    model_cov = np.asarray(naive.cov_params(), dtype=np.float64) * scale
    hac_cov = np.asarray(hac.cov_params(), dtype=np.float64)
    # Coefficient by coefficient the wider variance; the matrix is rescaled so that it stays
    # a valid covariance (the HAC correlations with the larger variances on the diagonal).
    var = np.maximum(np.diag(model_cov), np.diag(hac_cov))
    hac_sd = np.sqrt(np.clip(np.diag(hac_cov), 1e-300, None))
    corr = hac_cov / np.outer(hac_sd, hac_sd)
    cov = corr * np.outer(np.sqrt(var), np.sqrt(var))
    converged = bool(naive.converged) and bool(np.all(np.isfinite(cov)))
    return Fit(
        names=names,
        coef=np.asarray(naive.params, dtype=np.float64),
        cov=cov,
        df_resid=df,
        dispersion=dispersion,
        dispersion_p=dispersion_p,
        maxlags=lags,
        converged=converged,
    )
