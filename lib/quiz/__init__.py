"""May import lib.rules, lib.core and numpy; never lib.figures, lib.train, lib.site or lib.ui.

'Predict the shape': seeded questions on four rules of Chapter 2, NumPy as the judge.

A question is fully determined by (kind, level, seed), so it can be linked:

- slicing:   an index into x, e.g. x[10:100, 7:-7, ::2], x[4], x[..., 14], x[:, None];
- broadcast: two shapes and x + y (or np.maximum(x, y), ...);
- dot:       np.dot(x, y), x @ y or np.tensordot(x, y, axes=...);
- reshape:   x.reshape(...) with or without -1, x.T, np.transpose(x, axes).

Levels: "basic" (ranks 0-3, as in the book) and "harder" (rank 4-5, negative axes and
steps, tensordot with axes=2). Each question carries the code the student sees, the
answer NumPy gives (a shape, or None when NumPy raises), and an explanation that walks
the rule on this very question. The rules live in lib.rules.shapes, lib.rules.indexing and
lib.rules.products; this module draws questions, runs NumPy on small int8 arrays to get the
answer, and marks what the student typed. Nothing is ever eval'ed. No Streamlit here.

The package: core (questions, verdicts, seeds, drills, marking, the NumPy judge, drawing
helpers) and one module per kind (slicing, broadcast, dot, reshape); this file registers the
kinds' generators with core and re-exports what callers use.
"""

from lib.quiz import broadcast, core, dot, reshape, slicing
from lib.quiz.broadcast import broadcast_question
from lib.quiz.core import (BUDGET, DOT_WORK, KIND_LABELS, KINDS, LEVEL_LABELS, LEVELS,
                           MAX_ANSWER_RANK, MAX_ANSWER_TEXT, MAX_BUILD, MAX_QUESTION_RANK,
                           MAX_QUESTION_SIZE, MAX_SEED, ShapeQuestion, Verdict, _make_question,
                           drill_question, is_refusal, make_question, mark, new_seed,
                           normalize_kinds, pick_kind, read_answer, read_seed, run_numpy)
from lib.quiz.dot import dot_question
from lib.quiz.reshape import reshape_question, transpose_question
from lib.quiz.slicing import slicing_question

core.GENERATORS.update(slicing=slicing._gen_slicing, broadcast=broadcast._gen_broadcast,
                       dot=dot._gen_dot, reshape=reshape._gen_reshape)
assert set(core.GENERATORS) == set(KINDS)

__all__ = ["BUDGET", "DOT_WORK", "KIND_LABELS", "KINDS", "LEVEL_LABELS", "LEVELS",
           "MAX_ANSWER_RANK", "MAX_ANSWER_TEXT", "MAX_BUILD", "MAX_QUESTION_RANK",
           "MAX_QUESTION_SIZE", "MAX_SEED", "ShapeQuestion", "Verdict", "broadcast_question",
           "dot_question", "drill_question", "is_refusal", "make_question", "mark", "new_seed",
           "normalize_kinds", "pick_kind", "read_answer", "read_seed", "reshape_question",
           "run_numpy", "slicing_question", "transpose_question"]
