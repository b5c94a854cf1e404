"""Check arrays: type, then shape (with a transpose hint), then values entry by entry."""
from __future__ import annotations

import numpy as np

from .coerce import describe
from ..outcomes import Incorrect
from .verdict import Verdict


def as_array(value: object) -> np.ndarray | None:
    """A float array from an array, list or tuple of numbers; None when it is not one."""
    if isinstance(value, np.ndarray):
        return value.astype(float) if value.dtype.kind in "biuf" else None
    if isinstance(value, (list, tuple)):
        try:
            array = np.asarray(value)   # no dtype: None and text must not become numbers
        except (TypeError, ValueError):
            return None
        return array.astype(float) if array.dtype.kind in "biuf" else None
    return None


def as_vector(value: object, length: int) -> np.ndarray:
    """``value`` as a finite float vector of shape (length,), from shape (d,), (d, 1) or
    (1, d); raises :class:`Incorrect` saying what is wrong with it otherwise."""
    array = as_array(value)
    if array is None:
        raise Incorrect(f"expected an array of {length} numbers, got {describe(value)}")
    if array.size != length or max(array.shape, default=1) != length:
        raise Incorrect(f"expected a vector of length d = {length}, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise Incorrect("the result contains NaN or infinity")
    return array.reshape(length)


def check_array(value: object, reference: np.ndarray, *, rtol: float = 1e-6, atol: float = 1e-9,
                what: str = "the result", reveal: bool = False) -> Verdict:
    """Compare ``value`` with ``reference``; ``reveal`` allows showing expected entries."""
    got = as_array(value)
    if got is None:
        return Verdict.wrong(f"{what}: expected an array of numbers, got {describe(value)}")
    ref = np.asarray(reference, dtype=float)
    if got.shape != ref.shape:
        if got.size == ref.size and got.ndim == 2 and got.T.shape == ref.shape \
                and np.allclose(got.T, ref, rtol=rtol, atol=atol):
            return Verdict.wrong(f"{what}: expected shape {ref.shape}, got {got.shape}: "
                                 f"transposed?")
        if got.size == ref.size and np.allclose(got.reshape(ref.shape), ref, rtol=rtol, atol=atol):
            return Verdict.wrong(f"{what}: right values, wrong shape: expected {ref.shape}, "
                                 f"got {got.shape}")
        return Verdict.wrong(f"{what}: expected shape {ref.shape}, got {got.shape}")
    bad_nan = np.isnan(got) & ~np.isnan(ref)
    if bad_nan.any():
        index = tuple(int(i) for i in np.argwhere(bad_nan)[0])
        return Verdict.wrong(f"{what}: contains NaN ({int(bad_nan.sum())} entries, first at "
                             f"index {_fmt(index)})")
    same = np.isclose(got, ref, rtol=rtol, atol=atol, equal_nan=True) | (
        np.isinf(got) & np.isinf(ref) & (np.sign(got) == np.sign(ref)))
    if same.all():
        return Verdict.right()
    wrong = np.argwhere(~same)
    with np.errstate(all="ignore"):
        error = np.abs(got - ref) / np.maximum(np.abs(ref), atol)
    error = np.where(same, 0, np.nan_to_num(error, nan=np.inf))
    worst = tuple(int(i) for i in np.unravel_index(np.argmax(error), error.shape))
    size = (f"relative error {error[worst]:.2g}" if abs(ref[worst]) > atol else
            f"off by {abs(got[worst] - ref[worst]):.2g}")
    message = (f"{what}: {len(wrong)} of {ref.size} entries are wrong; the worst is at index "
               f"{_fmt(worst)} ({size})")
    if np.allclose(got, -ref, rtol=rtol, atol=atol):
        message += "; every entry has the wrong sign"
    elif got.ndim == 2 and got.shape[0] == got.shape[1] and \
            np.allclose(got.T, ref, rtol=rtol, atol=atol):
        message += "; it is the transpose of the right result"
    if reveal:
        message += f"; expected {ref[worst]:.6g}, got {got[worst]:.6g}"
    return Verdict.wrong(message)


def _fmt(index: tuple) -> str:
    return str(index[0]) if len(index) == 1 else str(index)
