"""Exact non-negative least squares for a stack of small problems (the model's 6 terms): every
support is tried on the normal equations, so no iteration can stop short of the optimum."""

from __future__ import annotations

import itertools

import numpy as np


def _supports(k: int) -> list[tuple[int, ...]]:
    return [s for r in range(1, k + 1) for s in itertools.combinations(range(k), r)]


def solve_nonnegative(gram: np.ndarray, rhs: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Non-negative least squares for a stack of normal equations (gram: N x k x k, rhs: N x k,
    n: N, the sum of squared targets): for each, the c >= 0 minimising c'Gc - 2c'h + n. Exact:
    the optimum is the unconstrained solution on its own support, so the best feasible solution
    over every support is it. Rows with n == 0 (no training data) give NaN."""
    count, k = rhs.shape
    best = np.zeros((count, k))  # the empty support: every coefficient 0, residual n
    best_residual = np.asarray(n, dtype=float).copy()
    for support in _supports(k):
        index = np.array(support)
        sub = gram[:, index[:, None], index[None, :]]
        # terms differ by orders of magnitude: solve the diagonally scaled system (a correlation matrix)
        scale = np.sqrt(np.maximum(np.einsum("nii->ni", sub), 1e-300))
        normal = sub / scale[:, :, None] / scale[:, None, :]
        regular = np.abs(np.linalg.det(normal)) > 1e-12
        safe = np.where(regular[:, None, None], normal, np.eye(len(index)))
        scaled_rhs = np.where(regular[:, None], rhs[:, index] / scale, 0.0)
        c_sub = np.linalg.solve(safe, scaled_rhs[..., None])[..., 0] / scale
        feasible = regular & np.all(c_sub >= 0, axis=1)
        c = np.zeros((count, k))
        c[:, index] = c_sub
        residual = np.einsum("ni,nij,nj->n", c, gram, c) - 2 * np.einsum("ni,ni->n", c, rhs) + n
        better = feasible & (residual < best_residual - 1e-12 * np.abs(best_residual))
        best[better] = c[better]
        best_residual[better] = residual[better]
    best[~(n > 0)] = np.nan
    return best
