"""The one count-model fit behind the phase comparison and the regression-to-the-mean check.

A Poisson GLM of migraine days with ``log(recorded days)`` as offset, fitted by statsmodels. Its
point estimates are the Poisson (quasi-likelihood) estimates. Its covariance never treats
neighbouring periods as independent: it is the quasi-likelihood sandwich with an AR(1) working
correlation between consecutive periods,

    V = phi * A^-1 (X' W^1/2 R(rho) W^1/2 X) A^-1,   A = X'WX,  W = diag(mu),  R_ij = rho^|i-j|,

where ``phi`` is the Pearson dispersion (at least 1) and ``rho`` the lag-1 autocorrelation of the
Pearson residuals, corrected for the bias that fitting the regression and a short series put into
it (``rho = (r1 - E0) / (1 - 3/n)``, ``E0 = -tr(H L) / (n - k)`` its expectation under
independence, ``H`` the hat matrix and ``L`` the lag-1 shift; Marriott & Pope, Biometrika
1954;41:390-402), clipped to [0, 0.95]. Intervals use Student's t with ``n - k - 1`` degrees of
freedom (one spent on ``rho``), shrunk by ``(1 - rho) / (1 + rho)``: autocorrelated residuals
carry less information about the dispersion (the effective sample size of an AR(1) series).

Why not the Newey–West (HAC) sandwich (Newey & West, Econometrica 1987;55:703-708)? It is the
textbook answer for long series; a client has a dozen periods, and in the simulation study
(docs/outcomes-model.md, tests/stats/test_simulation.py) statsmodels' Bartlett-kernel HAC
intervals covered the true rate ratio in far fewer than 95 % of clients, the quasi-Poisson
interval (periods independent) in about 92 %, and this one at the nominal rate.

statsmodels ships no type information, hence the narrow ``Any``.
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
    """Residual degrees of freedom: periods - terms - 1 (one spent on ``rho``)."""
    df_t: float
    """Degrees of freedom of the t quantile: ``df_resid * (1 - rho) / (1 + rho)``, at least 1."""
    dispersion: float
    dispersion_p: float
    rho: float
    """Lag-1 autocorrelation of consecutive periods used in the covariance (bias-corrected)."""
    converged: bool

    def interval(self, name: str, confidence: float) -> tuple[float, float, float, float]:
        """``(ratio, low, high, se)`` for ``exp(coefficient)`` of ``name``."""
        k = self.names.index(name)
        beta = float(self.coef[k])
        se = math.sqrt(max(float(self.cov[k, k]), 0.0))
        q = float(sps.t.ppf(0.5 + confidence / 2, self.df_t))
        return _exp(beta), _exp(beta - q * se), _exp(beta + q * se), se

    def contrast(self, plus: str, minus: str, confidence: float) -> tuple[float, float, float, float]:
        """``(ratio, low, high, se)`` for ``exp(coef[plus] - coef[minus])``."""
        i, j = self.names.index(plus), self.names.index(minus)
        beta = float(self.coef[i] - self.coef[j])
        var = float(self.cov[i, i] + self.cov[j, j] - 2 * self.cov[i, j])
        se = math.sqrt(max(var, 0.0))
        q = float(sps.t.ppf(0.5 + confidence / 2, self.df_t))
        return _exp(beta), _exp(beta - q * se), _exp(beta + q * se), se


def _exp(x: float) -> float:
    """``exp`` that gives ``inf`` (not an OverflowError) for a diverging coefficient."""
    return math.exp(x) if x < 700 else float("inf")


def fit_poisson(
    y: FloatArray,
    exposure: FloatArray,
    columns: dict[str, FloatArray],
    *,
    extra_offset: FloatArray | None = None,
) -> Fit:
    """Fit ``log E[y] = log(exposure) [+ extra_offset] + X b``; ``columns`` in order, intercept first.

    ``y`` must be in time order (consecutive periods), as the AR(1) working correlation assumes.
    """
    names = tuple(columns)
    x = np.column_stack([columns[c] for c in names]).astype(np.float64)
    offset = np.log(exposure) + (0.0 if extra_offset is None else extra_offset)
    n, k = x.shape
    model: Any = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # separation and domain warnings show up as non-convergence
        fitted: Any = model.fit()
    df = n - k
    mu = np.asarray(fitted.mu, dtype=np.float64)
    coef = np.asarray(fitted.params, dtype=np.float64)
    if df < 2 or not np.all(np.isfinite(mu)) or np.any(mu <= 0):
        nan = np.full((k, k), np.nan)
        return Fit(names, coef, nan, df - 1, 1.0, float("nan"), float("nan"), float("nan"), False)
    resid = (y - mu) / np.sqrt(mu)
    pearson = float(resid @ resid)
    dispersion = pearson / df
    dispersion_p = float(sps.chi2.sf(pearson, df))
    with np.errstate(all="ignore"):
        xw = np.sqrt(mu)[:, None] * x
        bread = np.linalg.pinv(xw.T @ xw)
        hat = xw @ bread @ xw.T
        e0 = -float(np.trace(hat, offset=-1)) / df  # E[r1] under independence (tr(H L))
        r1 = float(resid[1:] @ resid[:-1]) / pearson if pearson > 0 else 0.0
        rho = min(max((r1 - e0) / (1 - 3 / n), 0.0), 0.95)
        lag = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
        meat = xw.T @ (rho**lag) @ xw
        cov = max(1.0, dispersion) * bread @ meat @ bread
    converged = bool(fitted.converged) and bool(np.all(np.isfinite(cov))) and bool(np.all(np.isfinite(coef)))
    # Autocorrelated residuals carry less information about the dispersion: the effective
    # degrees of freedom shrink as for the variance of an AR(1) series, by (1 - rho) / (1 + rho).
    df_t = max(1.0, (df - 1) * (1 - rho) / (1 + rho))
    return Fit(names, coef, cov, df - 1, df_t, dispersion, dispersion_p, rho, converged)
