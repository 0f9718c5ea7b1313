"""Slicing questions: an index into x, e.g. `x[10:100, 7:-7, ::2]`, `x[..., 14]`, `x[:, None]`."""
from __future__ import annotations

from lib.quiz.core import (ShapeQuestion, _chance, _check_shape, _finish, _numbered, _pick,
                           _sized)
from lib.rules.indexing import (IndexParseError, axis_sentence, describe_selection, format_index,
                                parse_index)
from lib.rules.shapes import Shape, format_shape


SLICE_SIZES = (3, 4, 5, 6, 8, 10, 12, 16, 20, 28, 32, 64, 100, 128)
HARD_SLICE_SIZES = (2, 3, 4, 5, 6, 7, 8, 10, 12)
_SLICE_FORMS = ("int", "int", "slices", "slices", "slices", "mixed", "mixed", "ellipsis",
                "ellipsis", "newaxis", "newaxis", "beyond", "out_of_range", "out_of_range",
                "too_many")
_HARD_FORMS = ("mixed", "mixed", "mixed", "reverse", "reverse", "ellipsis", "ellipsis",
               "newaxis", "newaxis", "empty", "out_of_range", "out_of_range", "too_many",
               "two_ellipses")


def _int_item(rng, size: int, harder: bool) -> int:
    position = int(rng.integers(0, size))
    return position - size if _chance(rng, 0.5 if harder else 0.25) else position


def _out_of_range(rng, size: int) -> int:
    beyond = size + int(rng.integers(0, max(2, size // 2)))
    return -beyond - 1 if _chance(rng, 0.35) else beyond


def _slice_item(rng, size: int, harder: bool, form: int | None = None) -> slice:
    """A slice that keeps something (mostly): forms students meet in the book and beyond.
    Forms 6-8 step backwards (harder level only)."""
    form = int(rng.integers(0, 9 if harder else 6)) if form is None else form
    start = int(rng.integers(0, max(1, size - 1)))
    stop = int(rng.integers(start + 1, size + 1))
    if form == 0:
        return slice(None)
    if form == 1:
        return slice(start, stop)
    if form == 2:
        return slice(start, None) if _chance(rng, 0.5) else slice(None, stop)
    if form == 3:                                        # count from the end: 7:-7
        cut = int(rng.integers(1, max(2, size // 3 + 1)))
        return slice(min(start, max(0, size - cut - 1)), -cut)
    if form == 4:
        return slice(None, None, 2) if _chance(rng, 0.5) else slice(start, stop, 2)
    if form == 5:
        return slice(-int(rng.integers(1, size + 1)), None)
    if form == 6:                                        # reversed
        return slice(None, None, -1) if _chance(rng, 0.5) else slice(None, None, -2)
    if form == 7:                                        # from high to low
        return slice(stop - 1, start if _chance(rng, 0.6) else None, -1)
    return slice(-1, -stop - 1 if stop < size else None, -int(rng.integers(1, 4)))


def _reversed_item(rng, size: int) -> slice:
    """A slice with a negative step: ::-1, 5:1:-1, -1::-2 ..."""
    return _slice_item(rng, size, True, form=int(rng.integers(6, 9)))


def _gen_slicing(rng, level, seed) -> ShapeQuestion:
    harder = level == "harder"
    rank = int(rng.integers(4, 6)) if harder else int(_pick(rng, (1, 2, 2, 3, 3, 3)))
    shape = tuple(_sized(rng, rank, HARD_SLICE_SIZES if harder else SLICE_SIZES))
    form = _pick(rng, _HARD_FORMS if harder else _SLICE_FORMS)
    count = int(rng.integers(1, rank + 1))                 # axes named by the index
    items: list = [_slice_item(rng, shape[i], harder) for i in range(count)]
    if form in ("int", "mixed", "newaxis", "ellipsis", "two_ellipses", "out_of_range", "reverse"):
        for i in range(count):                             # some of them integers
            if form == "int" or _chance(rng, 0.4):
                items[i] = _int_item(rng, shape[i], harder)
            if form == "int":
                break
        if form == "int":
            items = items[:1]
    if form == "reverse":
        axis = int(rng.integers(0, len(items)))
        items[axis] = _reversed_item(rng, shape[axis])
    if form == "empty":
        axis = int(rng.integers(0, len(items)))
        start = int(rng.integers(1, shape[axis] + 1))
        items[axis] = slice(start, int(rng.integers(0, start)))       # stop before start: empty
    if form == "beyond":
        axis = int(rng.integers(0, len(items)))
        size = shape[axis]
        items[axis] = slice(int(rng.integers(0, size)), size + int(rng.integers(1, 3 * size)))
    if form == "out_of_range":
        axis = int(rng.integers(0, len(items)))
        items[axis] = _out_of_range(rng, shape[axis])
    if form == "too_many":
        items = [_slice_item(rng, s, harder) if _chance(rng, 0.5) else _int_item(rng, s, harder)
                 for s in shape]
        items.append(int(rng.integers(0, 3)) if _chance(rng, 0.5) else slice(None))
    if form in ("ellipsis", "two_ellipses"):
        if len(items) == rank:
            items = items[1:] if harder or _chance(rng, 0.5) else items[:-1]
        if harder:
            where = int(rng.integers(0, len(items) + 1))
        else:
            where = 0 if _chance(rng, 0.7) else len(items)
        items.insert(where, Ellipsis)
        if form == "two_ellipses":
            items.insert(int(rng.integers(0, len(items) + 1)), Ellipsis)
    if form == "newaxis":
        for _ in range(1 + (harder and _chance(rng, 0.5))):
            if not harder and _chance(rng, 0.5):
                items = [slice(None)] * min(len(items), 1) + [None]
            else:
                items.insert(int(rng.integers(0, len(items) + 1)), None)
    return _slicing(shape, tuple(items), level, seed)


def slicing_question(shape: Shape, index: str, *, level: str = "basic",
                     seed: int | None = None) -> ShapeQuestion:
    """The question 'shape of x[index]' ('10:100, 7:-7' or 'x[10:100, 7:-7]')."""
    text = index.strip()
    if not text.startswith("x["):
        text = f"x[{text}]"
    return _slicing(_check_shape(shape), parse_index(text), level, seed)


def _index_text(index: tuple) -> str:
    """'10:100, None, ...': the index as the student reads it (None, not np.newaxis)."""
    return ", ".join("None" if item is None else format_index((item,)) for item in index)


def _slicing(shape: Shape, items: tuple, level: str, seed) -> ShapeQuestion:
    expression = f"x[{_index_text(items)}]"
    index = parse_index(expression)                        # NumPy gets what the student reads
    if index != items:
        raise IndexParseError(f"{expression} reads back as {index!r}")
    selection = describe_selection(shape, index)
    lines = _slicing_lines(shape, index, selection)
    mistakes = _slicing_mistakes(shape, index, selection, expression) if selection.ok else []
    reason = ""
    if not selection.ok:
        reason = next((line for line in lines if "IndexError" in line or "ValueError" in line), "")
        reason = reason.replace("**", "")
    return _finish("slicing", level, seed, (("x", shape),), expression, ("index", index),
                   selection.shape, reason, lines, mistakes, error_name="IndexError")


def _slicing_lines(shape: Shape, index: tuple, selection) -> list[str]:
    rank = len(shape)
    names = ("position",) * max(rank, 1)
    used = sum(1 for item in index if item is not None and item is not Ellipsis)
    lines = [f"x has shape {format_shape(shape)}: {_numbered(rank)}. "
             "Integers and slices each take one axis, from the left; `None` and `...` take none."]
    if index.count(Ellipsis) > 1:
        return lines + ["The index holds `...` twice: NumPy could not tell how many axes each "
                        "stands for, so it raises IndexError."]
    if used > rank:
        return lines + [f"The index names {used} axes ({used} integers and slices) but x has "
                        f"only {rank}: the last entries have no axis to act on, so NumPy raises "
                        "IndexError."]
    if Ellipsis in index:
        covered = rank - used
        first = sum(1 for item in index[:index.index(Ellipsis)] if item is not None)
        where = {0: "no axis at all", 1: f"axis {first}"}.get(
            covered, f"axes {first} to {first + covered - 1}")
        lines.append(f"`...` stands for as many `:` as needed to reach {rank} axes: the index "
                     f"names {used}, so here `...` covers {where}.")
    axes, k, out = selection.axes, 0, 0
    for item in index:
        if item is None:
            lines.append(f"`None` adds a new axis of size 1 (result axis {out}).")
            out += 1
            continue
        if item is Ellipsis:
            spans = axes[k:k + rank - used]
        elif k < len(axes):
            spans = axes[k:k + 1]
        else:                                              # NumPy stops at this item
            size = shape[k]
            lines.append(f"**axis {k} (positions, size {size})**: `{item}` is outside the axis, "
                         f"whose positions go from 0 to {size - 1} (or {-size} to -1 from the "
                         "end). An integer must land on a position, so NumPy raises IndexError "
                         "(a slice would just stop at the end of the axis).")
            return lines
        for span in spans:
            sentence = axis_sentence(span, names)
            if span.kind != "int":
                sentence += f" → result axis {out}"
                out += 1
            lines.append(sentence + ".")
        k += len(spans)
    for span in axes[k:]:
        lines.append(axis_sentence(span, names) + f" → result axis {out}.")
        out += 1
    return lines


def _listed(axes: list[int]) -> str:
    """'axis 1' or 'axes 1, 2 and 4'."""
    if len(axes) == 1:
        return f"axis {axes[0]}"
    return "axes " + ", ".join(str(a) for a in axes[:-1]) + f" and {axes[-1]}"


def _slicing_mistakes(shape: Shape, index: tuple, selection, expression: str) -> list:
    def shape_of(other: tuple):
        result = describe_selection(shape, other)
        return result.shape if result.ok else "-"

    mistakes = []
    ints = [(n, item) for n, item in enumerate(index) if type(item) is int]
    int_axes = [span.axis for span in selection.axes if span.kind == "int"]
    if ints:
        item = ints[0][1]
        axes = _listed(int_axes)
        it = "it" if len(int_axes) == 1 else "them"
        ones = tuple(slice(i, i + 1 if i != -1 else None) if type(i) is int else i for i in index)
        whole = tuple(slice(None) if type(i) is int else i for i in index)
        mistakes.append((shape_of(ones), f"You kept {axes} as size 1, but `{expression}` drops "
                                         f"{it}: an integer such as `{item}` picks one position "
                                         "and its axis disappears."))
        mistakes.append((shape_of(whole), f"You kept {axes} whole, but an integer such as "
                                          f"`{item}` picks a single position, and its axis "
                                          "disappears."))
    if None in index:
        mistakes.append((shape_of(tuple(i for i in index if i is not None)),
                         "`None` adds a new axis of size 1 where it stands; your shape leaves "
                         "it out."))
    out = 0
    for item in index:
        if item is None:
            out += 1
        elif isinstance(item, slice):
            span = next(s for s in selection.axes if s.item is item)
            if item.stop is not None and span.count and item.step in (None, 1) \
                    and span.positions[-1] + 1 < span.size:
                wrong = list(selection.shape)
                wrong[out] += 1
                mistakes.append((tuple(wrong), f"A slice stops *before* its stop: "
                                               f"`{format_index((item,))}` keeps {span.count}, "
                                               f"not {span.count + 1}."))
                break
            out += 1
        elif item is Ellipsis:
            out += len(shape) - sum(1 for i in index if i is not None and i is not Ellipsis)
    beyond = [(span.axis, span) for span in selection.axes if span.kind == "slice"
              and any(isinstance(p, int) and not -span.size <= p <= span.size
                      for p in (span.item.start, span.item.stop))]
    if beyond:
        axis, span = beyond[0]
        mistakes.append((None, f"Slices never raise: `{format_index((span.item,))}` just stops at "
                               f"the end of axis {axis} (size {span.size})."))
    else:
        mistakes.append((None, "Every integer lands inside its axis and slices never raise, "
                               "so NumPy gives a result."))
    return [(s, hint) for s, hint in mistakes if s != "-"]
