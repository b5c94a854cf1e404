"""The named matrices of a matrix question, and random instances of them to evaluate answers on
(each instance with its own sizes, so a transpose or a wrong shape cannot pass by accident)."""
from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .matrix_eval import DIMS, materialise
from .matrix_parse import ONES, parse_matrix


@dataclass
class MatrixSpace:
    """Named matrices: ``shapes`` in dimension names (``{"W": ("m", "k"), "x": ("n", 1)}``),
    and ``derived`` names computed from others (``{"h": "V @ x + b"}``), in order."""

    shapes: dict[str, tuple]
    derived: dict[str, str] = field(default_factory=dict)
    positive: Sequence[str] = ()   # names sampled in (0, 1) instead of N(0, 1)
    scalars: dict[str, str] = field(default_factory=dict)  # "positive", or "dim:n" (a size)
    increasing: Sequence[str] = ()  # dimensions that must grow in this order (n < d)
    labels: frozenset | None = None  # what may name an answer (labels.py); None: any name

    def instances(self, count: int, seed: str) -> list[dict[str, np.ndarray]]:
        rng = random.Random(zlib.crc32(seed.encode()))
        dim_names = sorted({d for shape in self.shapes.values() for d in shape
                            if isinstance(d, str)} |
                           {k[4:] for k in self.scalars.values() if k.startswith("dim:")})
        out = []
        for i in range(count):
            sizes = rng.sample(range(2, 2 + len(dim_names) + 4), len(dim_names))  # distinct
            dims = dict(zip(dim_names, sizes))
            ordered = sorted(dims[d] for d in self.increasing)
            dims.update(zip(self.increasing, ordered))
            np_rng = np.random.default_rng(zlib.crc32(f"{seed}/{i}".encode()))
            env = {DIMS: dims}
            for name, kind in self.scalars.items():
                env[name] = float(dims[kind[4:]]) if kind.startswith("dim:") else \
                    float(np_rng.uniform(0.1, 2.0))
            for name, shape in self.shapes.items():
                if name in self.derived:
                    continue
                concrete = tuple(dims[d] if isinstance(d, str) else d for d in shape)
                env[name] = (np.ones(concrete) if name == ONES else
                             np_rng.uniform(0.05, 0.95, concrete) if name in self.positive
                             else np_rng.standard_normal(concrete))
            for name, text in self.derived.items():
                size = dims.get(self.shapes.get(name, (None,))[0])  # sizes a derived bare I
                env[name] = materialise(parse_matrix(text, self).evaluate(env), size)
            out.append(env)
        return out
