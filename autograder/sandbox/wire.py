"""The one wire format between the grader and the sandboxed child, with its limits.

Values cross as JSON: ``{"t": kind, "v": ...}``, arrays as base64 float64.  The child's
harness encodes replies with :func:`encode`, which converts without trusting a value's
methods (exact type checks only) and refuses what is too large; the grader encodes its
arguments with it too.  :func:`decode` trusts nothing: every kind, size and shape is checked
again (``limits=False`` only for the grader's own arguments, read by the child).

Standard library only, and nothing of the grader: the harness loads this file by path.
"""
import base64
import binascii
import inspect
import math
import sys
import types

MAX_TEXT = 100_000            # characters of one text (a string, a SymPy object's str)
MAX_ELEMENTS = 20_000         # values in one answer (each list, tuple, dict, text, number or
                              # array counts one)
MAX_ARRAY_ELEMENTS = 250_000  # numbers in one answer's arrays, which cross as base64 float64
                              # (MNIST's parameters: 26 000)
MAX_DEPTH = 20                # nesting of lists, tuples and dicts
MAX_INT_BITS = 10_000         # size of one integer
MAX_ERRORS = 50               # errors a load reports
MAX_ERROR_TEXT = 2_000        # characters of one error message
MAX_REPLY_BYTES = 4 * 1024 * 1024   # one reply line (the largest real one, MNIST's parameters
                                    # and training results, is 0.3 MB)
MAX_REPLY_PARTS = 200_000     # "{" and "[" bytes in one reply: at most 3 per value (60 000)
                              # and those inside texts, such as MAX_ERRORS errors (100 000)



class BadReply(ValueError):
    """What was sent is not a well-formed value."""


class TooLarge(Exception):
    pass


def encode(x, depth=0, budget=None):
    """Plain JSON-able data for ``x``, without trusting its methods (exact type checks only).
    ``budget`` is what is left of MAX_ELEMENTS values and MAX_ARRAY_ELEMENTS array numbers."""
    if budget is None:
        budget = [MAX_ELEMENTS, MAX_ARRAY_ELEMENTS]
    budget[0] -= 1
    if budget[0] < 0:
        raise TooLarge("the answer has more than %d values" % MAX_ELEMENTS)
    if depth > MAX_DEPTH:
        raise TooLarge("the answer is nested more than %d levels deep" % MAX_DEPTH)
    t = type(x)
    if x is None or t is bool:
        return {"t": "const", "v": x}
    if t is int:
        if x.bit_length() > MAX_INT_BITS:
            raise TooLarge("an integer in the answer has more than %d bits" % MAX_INT_BITS)
        return {"t": "int", "v": str(x)}
    if t is float:
        return {"t": "float", "v": repr(x)}
    if t is str:
        return {"t": "str", "v": _text(x)}
    if t is tuple or t is list:
        _fits(len(x), budget)
        return {"t": t.__name__, "v": [encode(v, depth + 1, budget) for v in x]}
    if t is dict:
        items = []
        for k, v in x.items():
            if type(k) is not str:
                return {"t": "other", "type": "dict with non-text keys"}
            items.append([k, encode(v, depth + 1, budget)])
        return {"t": "dict", "v": items}
    np = sys.modules.get("numpy")
    if np is not None:
        if t is np.ndarray:
            return _encode_array(np, x, depth, budget)
        if isinstance(x, np.generic) and x.dtype.kind in "biuf":
            return encode(x.item(), depth, budget)
    sp = sys.modules.get("sympy")
    if sp is not None:
        if isinstance(x, sp.Interval):
            return {"t": "interval", "lo": _text(str(x.start)), "hi": _text(str(x.end)),
                    "lo_open": bool(x.left_open), "hi_open": bool(x.right_open)}
        if isinstance(x, sp.MatrixBase):  # a list of rows of SymPy entries
            _fits(x.rows * x.cols, budget)
            return encode(x.tolist(), depth, budget)
        if isinstance(x, sp.Basic):
            return {"t": "sympy", "v": _text(str(x))}
    if t in (types.FunctionType, types.BuiltinFunctionType, types.MethodType) or inspect.isclass(x):
        try:
            signature = inspect.signature(x)
            params = [p.name for p in signature.parameters.values()]
            text = str(signature)
        except (TypeError, ValueError):
            params, text = [], "(...)"
        return {"t": "function", "sig": text[:500], "params": params[:50],
                "class": inspect.isclass(x)}
    return {"t": "other", "type": (getattr(t, "__name__", "?") or "?")[:100]}


def _text(text):
    if len(text) > MAX_TEXT:
        raise TooLarge("a text in the answer has %d characters, more than %d"
                       % (len(text), MAX_TEXT))
    return text


def _fits(count, budget):
    """Refuse, before converting them, ``count`` more values than the budget has left."""
    if count > budget[0]:
        raise TooLarge("the answer has more than %d values" % MAX_ELEMENTS)


def _encode_array(np, x, depth, budget):
    if x.dtype.kind == "O" and x.ndim == 1:  # a list of Python objects
        _fits(x.size, budget)
        return encode(x.tolist(), depth, budget)
    if x.dtype.kind not in "biuf":
        return {"t": "other", "type": "object array" if x.dtype.kind == "O"
                else "array of %s" % x.dtype}
    if x.size > budget[1]:
        raise TooLarge("the answer's arrays have more than %d numbers" % MAX_ARRAY_ELEMENTS)
    budget[1] -= x.size
    data = np.ascontiguousarray(x, dtype="<f8").tobytes()
    return {"t": "array", "shape": list(x.shape), "b64": base64.b64encode(data).decode()}


def decode(data, depth=0, *, limits=True, kinds=None):
    """The value ``data`` encodes.  ``kinds`` decodes the kinds only the grader builds
    (``{"sympy": function of data}``); without it they are refused."""
    if not isinstance(data, dict) or (limits and depth > MAX_DEPTH):
        raise BadReply("malformed value")
    t, v = data.get("t"), data.get("v")
    if t == "const" and (v is None or isinstance(v, bool)):
        return v
    if limits and isinstance(v, str) and len(v) > MAX_TEXT:
        raise BadReply("text too long")
    if t == "int" and isinstance(v, str) and (not limits or len(v) <= MAX_INT_BITS // 3):
        try:                                             # more than 3 bits a digit
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
    if t in ("list", "tuple") and isinstance(v, list):
        items = [decode(x, depth + 1, limits=limits, kinds=kinds) for x in v]
        return items if t == "list" else tuple(items)
    if t == "dict" and isinstance(v, list):
        out = {}
        for item in v:
            if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                raise BadReply("malformed dict")
            out[item[0]] = decode(item[1], depth + 1, limits=limits, kinds=kinds)
        return out
    if t == "array":
        return _decode_array(data, limits)
    if kinds and t in kinds:
        return kinds[t](data)
    raise BadReply("unknown value kind %r" % str(t)[:20])


def _decode_array(data, limits):
    import numpy as np
    shape, b64 = data.get("shape"), data.get("b64")
    if not (isinstance(shape, list) and len(shape) <= 8
            and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape)
            and isinstance(b64, str)):
        raise BadReply("malformed array")
    size = math.prod(shape)
    if limits and size > MAX_ARRAY_ELEMENTS:
        raise BadReply("array too large")
    try:
        raw = base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise BadReply("malformed array data") from None
    if len(raw) != 8 * size:
        raise BadReply("array data does not match its shape")
    return np.frombuffer(raw, dtype="<f8").reshape(shape).copy()


def encode_arg(value):
    """Encode one of the grader's own arguments for a probe: the limits on what students send
    do not apply to the grader's inputs (MNIST training samples)."""
    return encode(value, budget=[math.inf, math.inf])
