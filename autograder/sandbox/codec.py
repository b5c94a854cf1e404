"""The grader's side of the wire format (:mod:`.wire`): replies decoded, trusting nothing, into
the plain values of :mod:`autograder.values`."""
from __future__ import annotations

from ..values import FunctionValue, IntervalValue, OtherValue, SympyText
from .wire import MAX_TEXT, BadReply, decode as _decode


def decode(data: object) -> object:
    """The value a reply encodes, within the wire format's limits."""
    return _decode(data, kinds=_KINDS)


def _interval(data: dict) -> IntervalValue:
    lo, hi = data.get("lo"), data.get("hi")
    if not (isinstance(lo, str) and isinstance(hi, str) and max(len(lo), len(hi)) <= MAX_TEXT):
        raise BadReply("malformed interval")
    return IntervalValue(lo, hi, bool(data.get("lo_open")), bool(data.get("hi_open")))


def _function(data: dict) -> FunctionValue:
    params = data.get("params")
    if not (isinstance(params, list) and all(isinstance(p, str) for p in params)):
        raise BadReply("malformed function")
    return FunctionValue(str(data.get("sig", ""))[:500], tuple(params))


def _sympy(data: dict) -> SympyText:
    if not isinstance(data.get("v"), str):
        raise BadReply("malformed SymPy text")
    return SympyText(data["v"])   # its length was checked with every text's


_KINDS = {"sympy": _sympy, "interval": _interval, "function": _function,
          "other": lambda data: OtherValue(str(data.get("type", "?"))[:100])}
