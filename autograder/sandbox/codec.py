"""Decode what the sandboxed child sends, trusting nothing: types, sizes and shapes are checked."""
from __future__ import annotations

import base64
import binascii
import math

import numpy as np

from ..values import FunctionValue, IntervalValue, OtherValue, SympyText
from .harness import MAX_ARRAY_ELEMENTS, MAX_DEPTH, MAX_INT_BITS, MAX_TEXT, encode


class BadReply(ValueError):
    """The child sent something that is not a well-formed value."""


def decode(data: object, depth: int = 0) -> object:
    """The value ``data`` encodes (harness.encode's format), within the wire format's limits."""
    if depth > MAX_DEPTH or not isinstance(data, dict):
        raise BadReply("malformed value")
    t = data.get("t")
    v = data.get("v")
    if t == "const" and (v is None or isinstance(v, bool)):
        return v
    if isinstance(v, str) and len(v) > MAX_TEXT:
        raise BadReply("text too long")
    if t == "int" and isinstance(v, str) and len(v) <= MAX_INT_BITS // 3:  # > 3 bits a digit
        try:
            return int(v)
        except ValueError:
            raise BadReply("malformed integer") from None
    if t == "float" and isinstance(v, str) and len(v) <= 40:
        try:
            return float(v)
        except ValueError:
            raise BadReply("malformed float") from None
    if t == "str" and isinstance(v, str):
        return v
    if t == "sympy" and isinstance(v, str):
        return SympyText(v)
    if t in ("list", "tuple") and isinstance(v, list):
        items = [decode(x, depth + 1) for x in v]
        return items if t == "list" else tuple(items)
    if t == "dict" and isinstance(v, list):
        out = {}
        for item in v:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                raise BadReply("malformed dict")
            out[item[0]] = decode(item[1], depth + 1)
        return out
    if t == "array":
        return _decode_array(data)
    if t == "interval":
        lo, hi = data.get("lo"), data.get("hi")
        if not (isinstance(lo, str) and isinstance(hi, str)
                and max(len(lo), len(hi)) <= MAX_TEXT):
            raise BadReply("malformed interval")
        return IntervalValue(lo, hi, bool(data.get("lo_open")), bool(data.get("hi_open")))
    if t == "function":
        params = data.get("params")
        if not (isinstance(params, list) and all(isinstance(p, str) for p in params)):
            raise BadReply("malformed function")
        return FunctionValue(str(data.get("sig", ""))[:500], tuple(params))
    if t == "other":
        return OtherValue(str(data.get("type", "?"))[:100])
    raise BadReply(f"unknown value kind {str(t)[:20]!r}")


def _decode_array(data: dict) -> np.ndarray:
    shape, b64 = data.get("shape"), data.get("b64")
    if not (isinstance(shape, list) and len(shape) <= 8
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
            and isinstance(b64, str)):
        raise BadReply("malformed array")
    size = math.prod(shape)
    if size > MAX_ARRAY_ELEMENTS:
        raise BadReply("array too large")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise BadReply("malformed array data") from None
    if len(raw) != 8 * size:
        raise BadReply("array data does not match its shape")
    return np.frombuffer(raw, dtype="<f8").reshape(shape).copy()


def encode_arg(value: object) -> dict:
    """Encode a trusted argument for a probe (the harness's own format; the limits on what
    students send do not apply to the grader's inputs, such as MNIST training samples)."""
    return encode(value, budget=[math.inf, math.inf])
