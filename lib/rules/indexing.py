"""NumPy basic indexing, typed by a student and explained axis by axis.

parse_index turns text such as ``train_images[10:100, 7:-7, 7:-7]`` into the tuple
NumPy would receive, through an ``ast`` whitelist (no eval, no calls, no attributes but
``np.newaxis``). describe_selection says, per axis, which positions that tuple keeps,
the result shape, and the exact error NumPy would raise instead. index_to_show picks what
the Slicing page draws when a typed index fails (the last one that worked), and
selection_code writes the code panel for it. batch_info does the arithmetic of cutting a
dataset into batches.

Pure Python; NumPy only serves as the oracle in the tests.
"""
from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field

from lib.core import pyast
from lib.rules.shapes import format_shape

MAX_INDEX_TEXT = 300       # characters a student may type
MAX_BRACKET_DEPTH = 12     # ( [ { nested at most this deep
MAX_EXPR_DEPTH = 40        # operators nested inside one index
MAX_INDEX_ITEMS = 32       # entries separated by commas
MAX_INT = 10**12           # |every integer, literal or intermediate| <= this

Index = tuple  # of int | slice | Ellipsis | None


class IndexParseError(ValueError):
    """Text that is not a safe NumPy basic index; the message names the part to fix."""


# --------------------------------------------------------------------------- parsing

_ARRAY_PREFIX = re.compile(r"\s*([A-Za-z_][A-Za-z_0-9]*)\s*(?=\[)")
_ALLOWED_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Mod: "%"}
_OP_NAMES = {ast.Pow: "** (power)", ast.Div: "/ (true division gives a float; use //)",
             ast.MatMult: "@ (matrix product)", ast.LShift: "<<", ast.RShift: ">>",
             ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}
_NODE_NAMES = {ast.Call: "function calls are", ast.Lambda: "lambdas are",
               ast.ListComp: "comprehensions are", ast.SetComp: "comprehensions are",
               ast.DictComp: "comprehensions are", ast.GeneratorExp: "comprehensions are",
               ast.JoinedStr: "f-strings are", ast.Compare: "comparisons are",
               ast.BoolOp: "and / or are", ast.IfExp: "if / else is",
               ast.NamedExpr: "the := operator is", ast.Starred: "* unpacking is",
               ast.Dict: "dictionaries are", ast.Set: "sets are", ast.Await: "await is",
               ast.Yield: "yield is", ast.YieldFrom: "yield is"}


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scan(text: str) -> None:
    """Cheap checks before ast.parse: length, characters, bracket balance and depth."""
    if len(text) > MAX_INDEX_TEXT:
        raise IndexParseError(
            f"that index is too long ({len(text):,} characters; at most {MAX_INDEX_TEXT})")
    bad = next((c for c in text if not (c.isascii() and (c.isprintable() or c in "\t\n"))), None)
    if bad is not None:
        raise IndexParseError(f"unexpected character {bad!r}: use plain digits, : , [ ] and + - * // %")
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
            if len(stack) > MAX_BRACKET_DEPTH:
                raise IndexParseError(
                    f"brackets are nested too deeply (more than {MAX_BRACKET_DEPTH} levels)")
        elif ch in ")]}":
            if not stack or stack[-1] != pairs[ch]:
                raise IndexParseError(f"'{ch}' has no matching opening bracket")
            stack.pop()
    if stack:
        closing = {"(": ")", "[": "]", "{": "}"}[stack[-1]]
        raise IndexParseError(f"'{stack[-1]}' is never closed: add '{closing}'")


def _wrap(text: str) -> str:
    """Return source of the form 'name[...]' for ast.parse."""
    if _ARRAY_PREFIX.match(text) or text.startswith("["):
        return text if text[0] != "[" else "_" + text
    return "_[" + text + "]"


def parse_index(text: str, variables: dict[str, int] | None = None) -> Index:
    """Parse 'train_images[10:100, 7:-7]', '[10:100, 7:-7]' or '10:100, 7:-7' into a tuple.

    Integer arithmetic (+ - * // %, parentheses, unary minus) over literals and the
    given variables is allowed. Raises IndexParseError with a message naming the part.
    """
    if not isinstance(text, str):
        raise IndexParseError("an index is written as text, e.g. 10:100")
    _scan(text)  # before strip or parse: bounded work on hostile input
    text = text.strip()
    if not text:
        raise IndexParseError("type an index, e.g. train_images[10:100]")
    if text.isidentifier() and text not in (variables or {}) and text != "None":
        known = ", ".join(sorted(variables or {})) or "none on this input"
        raise IndexParseError(
            f"`{text}` is not a variable known here (variables you can use: {known}); "
            "to select from an array, write brackets after its name, e.g. train_images[10:100]")
    source = _wrap(text)
    try:
        tree = pyast.parse(source, mode="eval")
    except SyntaxError:
        raise IndexParseError(_syntax_message(text)) from None
    except (RecursionError, MemoryError, ValueError):
        raise IndexParseError("that index is too complicated to read") from None
    body = tree.body
    if not isinstance(body, ast.Subscript):
        raise IndexParseError(
            f"`{_short(text)}` is not an index: write it like train_images[10:100, 7:-7]")
    if isinstance(body.value, ast.Subscript):
        raise IndexParseError(
            "chained brackets like a[1][2] are not supported here: "
            "put all axes in one bracket, separated by commas (a[1, 2])")
    if not isinstance(body.value, ast.Name):
        raise IndexParseError(f"`{_short(text)}`: write an array name, then one [...]")
    node = body.slice
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    if len(items) > MAX_INDEX_ITEMS:
        raise IndexParseError(f"too many entries ({len(items)}); at most {MAX_INDEX_ITEMS}")
    evaluator = _Evaluator(source, dict(variables or {}))
    return tuple(evaluator.item(item) for item in items)


def _syntax_message(text: str) -> str:
    """Say what is wrong with text that does not parse as name[...]."""
    inner = text
    if "[" in inner and inner.rstrip().endswith("]"):
        inner = inner[inner.index("[") + 1: inner.rstrip().rindex("]")]
    if inner.strip() == "":
        return "the brackets are empty: write an index such as 10:100"
    for candidate in (text, inner.strip()):  # a forbidden construct valid on its own: [x for x in y]
        try:
            tree = pyast.parse(candidate, mode="eval")
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            continue
        for node in ast.walk(tree):
            for kind, name in _NODE_NAMES.items():
                if isinstance(node, kind):
                    segment = ast.get_source_segment(candidate, node) or candidate
                    return f"`{_short(segment)}`: {name} not allowed here"
    if "::" not in inner and re.search(r":[^,\[\]]*:[^,\[\]]*:", inner):
        return f"`{_short(inner)}`: a slice has at most two colons (start:stop:step)"
    if re.search(r",\s*,", inner) or inner.strip().startswith(","):
        return f"`{_short(inner)}`: an entry between two commas is empty (use : for 'all')"
    return (f"`{_short(inner)}` is not valid index syntax: use numbers, start:stop:step, "
            "..., None, commas and + - * // %")


class _Evaluator:
    """Walks the whitelisted AST of one index; every integer is bounded."""

    def __init__(self, source: str, variables: dict[str, int]):
        self.source = source
        self.variables = variables

    def text(self, node: ast.AST) -> str:
        return _short(ast.get_source_segment(self.source, node) or "?")

    def item(self, node: ast.AST):
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            return slice(*(None if p is None else self.integer(p, 0) for p in parts))
        if isinstance(node, ast.Constant) and node.value is Ellipsis:
            return Ellipsis
        if isinstance(node, ast.Constant) and node.value is None:
            return None
        if isinstance(node, ast.Attribute):
            self.newaxis(node)
            return None
        if isinstance(node, (ast.List, ast.Tuple)):
            raise IndexParseError(
                f"`{self.text(node)}`: lists of positions (fancy indexing) are not covered "
                "on this page; use start:stop:step")
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            raise IndexParseError(f"`{self.text(node)}`: True/False make a boolean mask, "
                                  "which is not covered here; use integers and slices")
        return self.integer(node, 0)

    def newaxis(self, node: ast.Attribute) -> None:
        if (node.attr == "newaxis" and isinstance(node.value, ast.Name)
                and node.value.id in ("np", "numpy")):
            return
        raise IndexParseError(f"`{self.text(node)}`: attribute access is not allowed here "
                              "(only np.newaxis)")

    def integer(self, node: ast.AST, depth: int) -> int:
        if depth > MAX_EXPR_DEPTH:
            raise IndexParseError("that arithmetic is nested too deeply")
        if isinstance(node, ast.Constant):
            value = node.value
            if type(value) is int:
                return self.bounded(value, node)
            if isinstance(value, bool):
                raise IndexParseError(f"`{self.text(node)}`: True/False cannot be used in arithmetic here")
            if isinstance(value, float):
                raise IndexParseError(f"`{self.text(node)}`: indices must be whole numbers, not decimals")
            if value is None or value is Ellipsis:
                raise IndexParseError(f"`{self.text(node)}`: None and ... stand alone between commas, "
                                      "not inside a slice or a sum")
            if isinstance(value, (str, bytes)):
                raise IndexParseError(f"`{self.text(node)}`: text in quotes is not an index; use numbers")
            raise IndexParseError(f"`{self.text(node)}`: not a whole number")
        if isinstance(node, ast.Name):
            if node.id in self.variables:
                return self.bounded(int(self.variables[node.id]), node)
            known = ", ".join(sorted(self.variables)) or "none on this input"
            raise IndexParseError(f"`{node.id}` is not known here (variables you can use: {known})")
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, (ast.USub, ast.UAdd)):
                value = self.integer(node.operand, depth + 1)
                return self.bounded(-value if isinstance(node.op, ast.USub) else value, node)
            raise IndexParseError(f"`{self.text(node)}`: only unary minus is allowed")
        if isinstance(node, ast.BinOp):
            op = type(node.op)
            if op not in _ALLOWED_OPS:
                name = _OP_NAMES.get(op, "that operator")
                raise IndexParseError(f"`{self.text(node)}`: {name} is not allowed here; "
                                      "use + - * // %")
            left = self.integer(node.left, depth + 1)
            right = self.integer(node.right, depth + 1)
            if op in (ast.FloorDiv, ast.Mod) and right == 0:
                raise IndexParseError(f"`{self.text(node)}`: division by zero")
            result = {ast.Add: lambda: left + right, ast.Sub: lambda: left - right,
                      ast.Mult: lambda: left * right, ast.FloorDiv: lambda: left // right,
                      ast.Mod: lambda: left % right}[op]()
            return self.bounded(result, node)
        if isinstance(node, ast.Attribute):
            self.newaxis(node)
            raise IndexParseError(f"`{self.text(node)}`: np.newaxis stands alone between commas")
        if isinstance(node, ast.Slice):
            raise IndexParseError(f"`{self.text(node)}`: a slice cannot sit inside a sum or brackets")
        for kind, name in _NODE_NAMES.items():
            if isinstance(node, kind):
                raise IndexParseError(f"`{self.text(node)}`: {name} not allowed here")
        if isinstance(node, (ast.List, ast.Tuple)):
            raise IndexParseError(f"`{self.text(node)}`: lists of positions are not covered here")
        if isinstance(node, ast.Subscript):
            raise IndexParseError(f"`{self.text(node)}`: indexing inside an index is not allowed")
        raise IndexParseError(f"`{self.text(node)}` is not allowed in an index")

    def bounded(self, value: int, node: ast.AST) -> int:
        if abs(value) > MAX_INT:
            raise IndexParseError(f"`{self.text(node)}` is far too large "
                                  f"(integers here stay within ±{MAX_INT:,})")
        return value


def with_array_name(text: str, array: str = "train_images") -> str:
    """The typed index as a full NumPy line: '10:100' and '[10:100]' -> 'train_images[10:100]'."""
    text = text.strip()
    if _ARRAY_PREFIX.match(text):
        return text
    return f"{array}{text}" if text.startswith("[") else f"{array}[{text}]"


def format_index(index: Index) -> str:
    """The canonical text of an index tuple: (slice(10, 100), Ellipsis) -> '10:100, ...'."""
    def one(item) -> str:
        if item is Ellipsis:
            return "..."
        if item is None:
            return "np.newaxis"
        if isinstance(item, slice):
            start = "" if item.start is None else str(item.start)
            stop = "" if item.stop is None else str(item.stop)
            text = f"{start}:{stop}"
            return text if item.step is None else f"{text}:{item.step}"
        return str(item)
    return ", ".join(one(item) for item in index)


# --------------------------------------------------------------------------- selection

@dataclass(frozen=True)
class AxisSelection:
    """What one axis of the input keeps: a range of positions (in output order)."""
    axis: int
    size: int
    kind: str                  # "int", "slice" or "all" (filled by ... or omitted)
    positions: range           # kept positions in the order they come out
    item: object = None        # the int or slice that chose them; Ellipsis if filled by ...

    @property
    def count(self) -> int:
        return len(self.positions)


@dataclass(frozen=True)
class Selection:
    """describe_selection's answer: per input axis what is kept, and the result shape."""
    input_shape: tuple[int, ...]
    axes: list[AxisSelection] = field(default_factory=list)
    shape: tuple[int, ...] | None = None
    error: str | None = None   # NumPy's own words when indexing would fail

    @property
    def ok(self) -> bool:
        return self.error is None


def describe_selection(shape: tuple[int, ...], index: Index) -> Selection:
    """Explain what array[index] keeps on each axis of an array of this shape.

    Matches NumPy's result shape, and on failure reports its error message (same
    order of checks: ellipsis count, too many indices, then axis by axis).
    """
    shape = tuple(int(s) for s in shape)
    if not isinstance(index, tuple):
        index = (index,)
    ndim = len(shape)
    if sum(1 for item in index if item is Ellipsis) > 1:
        return Selection(shape, error="an index can only have a single ellipsis ('...')")
    used = sum(1 for item in index if item is not None and item is not Ellipsis)
    if used > ndim:
        return Selection(shape, error=f"too many indices for array: array is {ndim}-dimensional, "
                                      f"but {used} were indexed")
    axes: list[AxisSelection] = []
    out: list[int] = []
    axis = 0
    for item in index:
        if item is None:
            out.append(1)
        elif item is Ellipsis:
            for _ in range(ndim - used):
                axes.append(AxisSelection(axis, shape[axis], "all", range(shape[axis]), Ellipsis))
                out.append(shape[axis])
                axis += 1
        elif isinstance(item, slice):
            if item.step == 0:
                return Selection(shape, axes, error="slice step cannot be zero")
            kept = range(*item.indices(shape[axis]))
            axes.append(AxisSelection(axis, shape[axis], "slice", kept, item))
            out.append(len(kept))
            axis += 1
        else:
            size = shape[axis]
            if not -size <= item < size:
                return Selection(shape, axes, error=f"index {item} is out of bounds "
                                                    f"for axis {axis} with size {size}")
            position = item + size if item < 0 else item
            axes.append(AxisSelection(axis, size, "int", range(position, position + 1), item))
            axis += 1
    while axis < ndim:                      # omitted trailing axes are kept whole
        axes.append(AxisSelection(axis, shape[axis], "all", range(shape[axis])))
        out.append(shape[axis])
        axis += 1
    return Selection(shape, axes, tuple(out))


def item_shape(*axes: AxisSelection) -> tuple[int, ...]:
    """The shape these axes give each item of the result: an axis picked by a single
    number disappears, every other keeps its count (rows and columns of one digit)."""
    return tuple(a.count for a in axes if a.kind != "int")


def describe_positions(kept: range, limit: int = 6) -> str:
    """'10, 11, 12, …, 99' for a range, in output order, short."""
    if len(kept) == 0:
        return "nothing"
    if len(kept) <= limit:
        return ", ".join(str(p) for p in kept)
    head = ", ".join(str(p) for p in kept[: limit - 2])
    return f"{head}, …, {kept[-1]}"


# --------------------------------------------------------------------------- in words

AXIS_NAMES = ("sample", "row", "column")       # what a position on each axis of the images is


def axis_sentence(sel: AxisSelection, names: tuple[str, ...] = AXIS_NAMES) -> str:
    """'axis 1 (rows, size 28): `7:-7` keeps rows 7, 8, …, 20 (14 of 28)' in markdown."""
    noun = names[sel.axis] if sel.axis < len(names) else f"position on axis {sel.axis}"
    head = f"axis {sel.axis} ({noun}s, size {sel.size:,})"
    if sel.kind == "int":
        where = f" (counted from the end: {sel.size:,} − {-sel.item})" if sel.item < 0 else ""
        return (f"**{head}**: `{sel.item}` picks {noun} {sel.positions[0]:,}{where}, "
                f"and this axis disappears from the result")
    if sel.kind == "all":
        how = "filled by `...`" if sel.item is Ellipsis else "not indexed"
        return f"**{head}**: {how}, so all {sel.size:,} {noun}s are kept"
    text = _slice_text(sel.item)
    if sel.count == 0:
        return f"**{head}**: `{text}` keeps no {noun}s: the result is empty along this axis"
    if text == ":":
        return f"**{head}**: `:` keeps all {sel.size:,} {noun}s"
    order = ", in reverse order" if sel.positions.step < 0 and sel.count > 1 else ""
    return (f"**{head}**: `{text}` keeps {noun}s {describe_positions(sel.positions)} "
            f"({sel.count:,} of {sel.size:,}{order})")


def _slice_text(item: slice) -> str:
    parts = ["" if p is None else str(p) for p in (item.start, item.stop)]
    return ":".join(parts) + ("" if item.step is None else f":{item.step}")


# --------------------------------------------------------------------------- the page's index

@dataclass(frozen=True)
class ShownIndex:
    """The index a page draws: the typed one when NumPy accepts it, else a fallback."""
    text: str
    index: Index
    selection: Selection
    error: str | None = None   # why the typed text is not the one drawn, in the page's words

    @property
    def fallback(self) -> bool:
        return self.error is not None


def index_to_show(shape: tuple[int, ...], text: str, variables: dict[str, int],
                  last_good: str | None, default: str) -> ShownIndex:
    """What to draw for the typed `text` on an array of `shape`, so a typo never empties
    the page: the typed index if it reads and NumPy would accept it; else `last_good` (the
    last index that worked, read again with today's variables, which may have changed
    since); else `default`. A failure carries the message to show."""
    try:
        index = parse_index(text, variables)
    except IndexParseError as error:
        message = f"Cannot read this index: {error}"
    else:
        selection = describe_selection(shape, index)
        if selection.ok:
            return ShownIndex(text, index, selection)
        message = f"NumPy would refuse this index — IndexError: {selection.error}"
    fallback = default if last_good is None else last_good
    try:
        index = parse_index(fallback, variables)
        selection = describe_selection(shape, index)
    except IndexParseError:
        selection = None
    if selection is None or not selection.ok:
        fallback, index = default, parse_index(default)
        selection = describe_selection(shape, index)
    return ShownIndex(fallback, index, selection, message)


def selection_code(text: str, index: Index, shape: tuple[int, ...],
                   variables: dict[str, int]) -> str:
    """The code of `selection = train_images[...]`: the variables the text uses (and only
    those), the full line, the tuple NumPy receives and the shape that comes out."""
    used = {k: v for k, v in variables.items() if re.search(rf"\b{re.escape(k)}\b", text)}
    return ("".join(f"{k} = {v}\n" for k, v in used.items())
            + f"selection = {with_array_name(text)}\n"
            f"# NumPy receives the tuple {index!r}\n"
            f"selection.shape   # {format_shape(shape)}")


# --------------------------------------------------------------------------- batches

@dataclass(frozen=True)
class BatchInfo:
    n_samples: int
    batch_size: int
    n: int                     # which batch (0-based)
    num_batches: int           # ceil(n_samples / batch_size)
    last_batch_size: int       # the last batch is partial unless batch_size divides n_samples
    start: int                 # batch n covers samples [start, stop)
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start


def batch_info(n_samples: int, batch_size: int, n: int = 0) -> BatchInfo:
    """Batch n of train_images[batch_size * n : batch_size * (n + 1)], and the batch count."""
    if n_samples < 0 or batch_size < 1:
        raise ValueError("need n_samples >= 0 and batch_size >= 1")
    num_batches = math.ceil(n_samples / batch_size)
    last = n_samples - (num_batches - 1) * batch_size if num_batches else 0
    start = min(batch_size * n, n_samples)
    stop = min(batch_size * (n + 1), n_samples)
    return BatchInfo(n_samples, batch_size, n, num_batches, last, start, stop)
