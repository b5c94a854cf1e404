"""Compare arrays a student's code produced (gradients, outputs) with the reference's, naming
the likely mistake: a transpose, a sign, a factor 2 or 1/2, a missing 1/N (batch size).

A factor equal to the batch size is named a missing 1/N only when no other size of the case
explains it as well (K/2 = 3 = N): then it is just "3 times the right value"."""
from __future__ import annotations

import numpy as np

from .expressions import short_number
from .verdict import Verdict


def compare(name: str, got: object, ref: np.ndarray, *, batch: int | None = None,
            sizes: tuple[int, ...] = (), rtol: float = 1e-5, atol: float = 1e-8) -> Verdict:
    """Whether ``got`` matches ``ref``, and if not, what is wrong with ``name``.  ``batch`` is
    the case's batch size, ``sizes`` its other sizes (features, outputs)."""
    ref = np.asarray(ref, dtype=float)
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return Verdict.wrong(f"{name} is not an array of numbers")
    if got.shape != ref.shape:
        if got.size == ref.size and got.squeeze().shape == ref.squeeze().shape and \
                np.allclose(got.reshape(ref.shape), ref, rtol=rtol, atol=atol):
            return Verdict.wrong(f"{name} has shape {got.shape}, expected {ref.shape} "
                                 f"(same values)")
        if got.ndim == 2 and got.T.shape == ref.shape:
            note = ": transposed" if np.allclose(got.T, ref, rtol=rtol, atol=atol) else \
                " (transposed?)"
            return Verdict.wrong(f"{name} has shape {got.shape}, expected {ref.shape}{note}")
        return Verdict.wrong(f"{name} has shape {got.shape}, expected {ref.shape}")
    if not np.all(np.isfinite(got)):
        return Verdict.wrong(f"{name} contains NaN or infinity")
    close = np.isclose(got, ref, rtol=rtol, atol=atol)
    if close.all():
        return Verdict.right()
    return Verdict.wrong(f"{name} is wrong{hint(got, ref, batch, sizes)}")


def hint(got: np.ndarray, ref: np.ndarray, batch: int | None,
         sizes: tuple[int, ...] = ()) -> str:
    mask = np.abs(ref) > 1e-9
    if not mask.any():
        return " (it should be zero)"
    if not np.allclose(got[~mask], 0, atol=1e-8):
        ratio = None
    else:
        ratios = got[mask] / ref[mask]
        ratio = ratios[0] if np.allclose(ratios, ratios[0], rtol=1e-4) else None
    if ratio is not None and not np.isclose(ratio, 1.0, rtol=1e-4):
        named = {-1.0: "the sign is flipped", 2.0: "twice the right value",
                 0.5: "half the right value"}
        for value, text in named.items():
            if np.isclose(ratio, value, rtol=1e-4):
                return f": {text}"
        if batch and np.isclose(ratio, batch, rtol=1e-4) and not _explained(ratio, sizes):
            return f": {batch} times too large (a missing 1/N: sum instead of mean?)"
        if batch and np.isclose(ratio, 1 / batch, rtol=1e-4) and \
                not _explained(1 / ratio, sizes):
            return f": {batch} times too small (divided by the batch size once too often?)"
        return f": {short_number(float(ratio))} times the right value"
    error = np.abs(got - ref) / np.maximum(np.abs(ref), 1e-8)
    worst = np.unravel_index(np.argmax(error), error.shape)
    where = worst[0] if len(worst) == 1 else tuple(int(i) for i in worst)
    return f" (worst entry {where}: relative error {error[worst]:.2g})"


def _explained(factor: float, sizes: tuple[int, ...]) -> bool:
    """Whether ``factor`` is also a size of the case, or twice or half one (a missing or extra
    factor 2 with it): then it does not show that the batch size is to blame."""
    return any(np.isclose(factor, c * size, rtol=1e-4) for size in sizes for c in (0.5, 1, 2))
