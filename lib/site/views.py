"""Every page's settings (lib/site/settings.py): what a student can change on a page, hence
what a link to a view of that page can carry. Each page's declaration in lib/site/chapter.py
carries its settings from here (chapter.BY_PAGE is made from those declarations): the pages
draw their widgets from them (ui.setting_widget binds each one to the URL), the teachers'
page builds its links from them, and the browser tests open every page with non-default and
with hostile values from them. The training pages' settings are declared here too: lib.train
keeps only their ranges and constants, and gets the values (train.config.config_from).

Choices known only at run time (the number of training images, the batches they make)
are passed by the page as `options`; for a number or a slider that is its (min, max).
"""
from __future__ import annotations

from lib.rules import BOOK_BATCH_SIZE
from lib.rules.indexing import IndexParseError, parse_index
from lib.quiz import KIND_LABELS, KINDS, LEVEL_LABELS, LEVELS, MAX_SEED
from lib.site.settings import PageSettings, Setting
from lib.rules.shapes import BROADCAST_OPERATIONS, expression_text, parse_axes, parse_shape
from lib.rules.tape import FUNCTIONS
from lib.rules.tensors import DTYPES, MAX_BUILD_RANK
from lib.train import config as train
from lib.train import quickstart as qs
from lib.train.engines import ENGINES

MAX_SHAPE_RANK = 5        # the broadcasting animation draws up to rank 5


def _shape(max_rank: int = 8, allow_minus_one: bool = False):
    def parse(text: str):
        return parse_shape(text, max_rank=max_rank, allow_minus_one=allow_minus_one)
    return parse


def _index(text: str):
    """An index into train_images, read by the slicing page's own whitelist parser."""
    try:
        return parse_index(text, {"n": 0, "batch_size": BOOK_BATCH_SIZE})
    except IndexParseError as err:
        raise ValueError(str(err)) from None


def _axes(text: str):
    return parse_axes(text)


def quiz_seed(key: str) -> Setting:
    """The question number of a page's shape quiz: the question is fixed by it."""
    return Setting("question", f"{key}_seed", 1, "question number", "number", min_value=0,
                   max_value=MAX_SEED, step=1,
                   help="Each number is one question: share it and others get the same one.")


HOME = PageSettings((
    Setting("digit", "home_digit", 4, "Index into train_images", "number", min_value=0,
            max_value=59_999, step=1),
    Setting("values", "home_values", True, "Write the pixel values", "toggle"),
))

FIRST_NETWORK = PageSettings((
    Setting("digit", "qs_digit", 0, "Which training digit", "slider", min_value=0, max_value=99,
            step=1),
    Setting("epochs", "qs_epochs", qs.EPOCHS, "epochs", "number", min_value=1,
            max_value=qs.MAX_EPOCHS, step=1),
    Setting("batch_size", "qs_batch", qs.BATCH_SIZE, "batch_size", "select_slider",
            qs.BATCH_SIZES),
    Setting("seed", "qs_seed", 0, "seed (initial weights, shuffling)", "number", min_value=0,
            max_value=9999, step=1),
))

RANK_SHAPE = PageSettings((
    Setting("rank", "builder_rank", 3, "Rank (number of axes)", "slider", min_value=0,
            max_value=MAX_BUILD_RANK, step=1),
    *(Setting(f"axis_{i}", f"builder_axis_{i}", size, f"axis {i}", "number", min_value=1,
              max_value=12, step=1) for i, size in enumerate((2, 3, 4, 3, 2))),
    Setting("dtype", "builder_dtype", DTYPES[0], "dtype", "selectbox", DTYPES),
    Setting("seed", "builder_seed", 0, "seed", "number", min_value=0, max_value=9999, step=1),
))

SLICING = PageSettings((
    Setting("index", "slicing_expr", "train_images[10:100]", "Your index (press Enter to apply)",
            "text", parse=_index, max_chars=300,
            help="Also allowed: + - * // % and the variables n and batch_size from the batch "
                 "sliders below."),
    Setting("batch_size", "slicing_batch_size", BOOK_BATCH_SIZE, "batch_size", "slider", min_value=1,
            max_value=1024, step=1),
    Setting("n", "slicing_n", 3, "n (which batch, counted from 0)", "slider", min_value=0,
            max_value=60_000, step=1),
    quiz_seed("slicing_quiz"),
))

EW_VALUES = ("the notebook's examples", "random")
ELEMENTWISE = PageSettings((
    Setting("values", "ew_values", EW_VALUES[0], "Values", "radio", EW_VALUES),
    Setting("rows", "ew_rows", 4, "rows", "slider", min_value=1, max_value=8, step=1),
    Setting("cols", "ew_cols", 6, "columns", "slider", min_value=1, max_value=10, step=1),
    Setting("seed", "ew_seed", 0, "random seed", "number", min_value=0, max_value=9999, step=1),
    Setting("race_rows", "race_rows", 20, "rows", "number", min_value=1, max_value=1000, step=1),
    Setting("race_cols", "race_cols", 100, "columns", "number", min_value=1, max_value=1000,
            step=1),
    Setting("race_repeats", "race_repeats", 1000, "repetitions", "number", min_value=1,
            max_value=100_000, step=100),
))

BROADCAST_PRESETS = {
    "Book: (32, 10) + (10,)": ("(32, 10)", "(10,)", "+"),
    "Book: np.maximum on (64, 3, 32, 10) and (32, 10)": ("(64, 3, 32, 10)", "(32, 10)", "maximum"),
    "Both stretch: (3, 1) + (1, 4)": ("(3, 1)", "(1, 4)", "+"),
    "Incompatible: (32, 10) + (32,)": ("(32, 10)", "(32,)", "+"),
}
BROADCASTING = PageSettings((
    Setting("preset", "bc_preset", next(iter(BROADCAST_PRESETS)), "Start from an example",
            "selectbox", tuple(BROADCAST_PRESETS)),
    Setting("x", "bc_x", "(32, 10)", "x.shape", "text", parse=_shape(MAX_SHAPE_RANK),
            max_chars=80, help="e.g. (32, 10), 32,10 or [64, 3, 32, 10]"),
    Setting("y", "bc_y", "(10,)", "y.shape", "text", parse=_shape(MAX_SHAPE_RANK), max_chars=80,
            help="() is a scalar; (10,) a vector"),
    Setting("op", "bc_op", "+", "operation", "selectbox", tuple(BROADCAST_OPERATIONS),
            format=expression_text),
    Setting("step", "bc_step", 0, "opens at step", "number", min_value=0,
            max_value=20, step=1,
            help="Where the animation opens (0 is the first step): a link can open a later one."),
    quiz_seed("quiz"),
))

DOT_PRODUCT = PageSettings((
    Setting("x", "dot_rule_a", "(10,)", "shape of x", "text", parse=_shape(), max_chars=80),
    Setting("y", "dot_rule_b", "(10,)", "shape of y", "text", parse=_shape(), max_chars=80),
    Setting("n", "dot_n", 2, "rows of A", "slider", min_value=1, max_value=5, step=1),
    Setting("k", "dot_k", 3, "columns of A = rows of B", "slider", min_value=1, max_value=5,
            step=1),
    Setting("m", "dot_m", 2, "columns of B", "slider", min_value=1, max_value=5, step=1),
    Setting("seed", "dot_seed", 0, "random seed", "number", min_value=0, max_value=10_000,
            step=1),
    Setting("values", "dot_values", "random", "Values", "radio", ("random", "type your own")),
    Setting("by_cell", "dot_by_cell", False, "one frame per cell instead of per multiply-add",
            "toggle"),
    Setting("a", "dot_nd_a", "(4, 3, 2)", "shape of a", "text", parse=_shape(), max_chars=80),
    Setting("b", "dot_nd_b", "(2, 4, 5)", "shape of b", "text", parse=_shape(), max_chars=80),
    quiz_seed("dot_quiz"),
))

RESHAPE_TRANSPOSE = PageSettings((
    Setting("x", "reshape_a", "(3, 2)", "x.shape", "text", parse=_shape(), max_chars=80),
    Setting("new", "reshape_b", "(6, 1)", "new shape (one -1 allowed)", "text",
            parse=_shape(allow_minus_one=True), max_chars=80),
    Setting("digit", "reshape_digit", 0, "digit: train_images[i]", "number", min_value=0,
            max_value=59_999, step=1),
    Setting("row", "reshape_row", 10, "row r of the digit", "slider", min_value=0, max_value=27,
            step=1),
    Setting("rows", "transpose_rows", 3, "rows of x", "slider", min_value=1, max_value=6, step=1),
    Setting("cols", "transpose_cols", 4, "columns of x", "slider", min_value=1, max_value=6,
            step=1),
    Setting("nd_shape", "transpose_nd_shape", "(300, 10, 50, 20)", "x.shape", "text",
            parse=_shape(), max_chars=80),
    Setting("axes", "transpose_nd_axes", "None", "axes (None = reverse)", "text", parse=_axes,
            max_chars=80),
    quiz_seed("reshape_quiz"),
))

GRADIENT_TAPE = PageSettings((
    Setting("function", "tape_fn", next(iter(FUNCTIONS)), "Function", "radio", tuple(FUNCTIONS),
            format=lambda k: FUNCTIONS[k].formula),
    Setting("a", "tape_a", 2.0, "a (slope)", "number", min_value=-100.0, max_value=100.0,
            step=0.5),
    Setting("b", "tape_b", 3.0, "b (intercept)", "number", min_value=-100.0, max_value=100.0,
            step=0.5),
    Setting("x", "tape_x", 1.0, "x: where to take the gradient", "slider", min_value=-6.0,
            max_value=6.0, step=0.1),
))

_BOOK = train.TrainConfig()          # the notebook's run: each setting's default
TRAIN_NAIVE = PageSettings((
    # the run's settings (lib.train.config.config_from makes the run's config of them) ...
    Setting("preset", "naive_preset", "book", "Preset", "selectbox", tuple(train.PRESETS),
            help="'book': the notebook's settings (learning_rate 1e-3, uniform ±0.05 start). On "
                 "the 4,000-digit sample its loss creeps down from ln 10 ≈ 2.30 and test "
                 "accuracy is about 30% after 10 epochs (27-35% for seeds 0-4). 'faster: lr 0.1' "
                 "takes steps 100 times larger: about 80% after one epoch, 90% after ten. 'faster "
                 "still' also starts from Keras's Glorot init: a few points ahead at first "
                 "(82-84% after one epoch)."),
    Setting("learning_rate", "naive_lr", _BOOK.learning_rate, "learning_rate", "select_slider",
            train.LEARNING_RATES, format=lambda v: f"{v:g}"),
    Setting("batch_size", "naive_batch", _BOOK.batch_size, "batch_size", "select_slider",
            train.BATCH_SIZES),
    Setting("epochs", "naive_epochs", _BOOK.epochs, "epochs", "number", min_value=1,
            max_value=train.MAX_EPOCHS, step=1),
    Setting("engine", "naive_engine", _BOOK.engine, "Engine", "selectbox", tuple(ENGINES),
            format=lambda k: ENGINES[k].label,
            help=" · ".join(f"{s.name}: {s.blurb}" for s in ENGINES.values())),
    Setting("init", "naive_init", _BOOK.init, "Initial weights", "radio", tuple(train.INITS),
            format=lambda k: train.INIT_LABELS[k],
            help=" · ".join(f"{train.INIT_LABELS[k]}: {v}" for k, v in train.INITS.items())),
    Setting("update_rule", "naive_rule", _BOOK.update_rule, "Update rule", "radio",
            tuple(train.UPDATE_RULES),
            help=" · ".join(f"{k}: {v}" for k, v in train.UPDATE_RULES.items())),
    Setting("seed", "naive_seed", _BOOK.seed, "seed", "number", min_value=0, max_value=9999,
            step=1),
    Setting("train_size", "naive_size", None, "Training-set size (the first N training digits)",
            "select_slider", train.TRAIN_SIZES, format=lambda n: f"{n:,}"),
    # ... then the view's
    Setting("pick", "naive_pick", 0, "Prediction vector of", "selectbox",
            tuple(range(train.N_FIXED_DIGITS)), format=lambda i: f"digit #{i + 1}"),
))

SHAPE_DRILL = PageSettings((
    Setting("kinds", "drill_kinds", KINDS, "Kinds of question", "multiselect", KINDS,
            format=KIND_LABELS.get),
    Setting("level", "drill_level", LEVELS[0], "Level", "radio", LEVELS, format=LEVEL_LABELS.get,
            help="Harder: tensors of rank 4 and 5, negative axes and steps, np.tensordot with "
                 "axes=2."),
    quiz_seed("drill"),
))

CLASS_ROOM = PageSettings((        # the teacher's poll: which drill question to put next
    Setting("kind", "class_kind", KINDS[1], "Kind of question", "selectbox", KINDS,
            format=KIND_LABELS.get),
    Setting("level", "class_level", LEVELS[0], "Level", "radio", LEVELS,
            format=lambda level: LEVEL_LABELS[level].split(":")[0]),
    quiz_seed("class"),
))

FOR_TEACHERS = PageSettings((
    Setting("projector_links", "teach_projector", True, "Links open in projector mode", "toggle",
            help="Larger text for the back row; the sidebar folds away."),
))
