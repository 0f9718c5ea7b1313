"""A 50-minute class on Chapter 2, step by step: what to put on the projector, what to ask,
and a link that opens the exact view. Written by us for teachers; pure data. The links are
built from the pages' declared settings (lib/site/views.py), so a test checks that every one
opens a view that exists, with values the page accepts."""
from __future__ import annotations

from dataclasses import dataclass, field

from lib.quiz import drill_question
from lib.rules import BOOK_BATCH_SIZE as B
from lib.rules.shapes import pairing_sentences
from lib.site.chapter import BY_URL_PATH, ChapterPage, link
from lib.site.views import TRAIN_NAIVE
from lib.train.config import PRESETS


def _preset(name: str) -> dict:
    """A training preset as the link's settings (a link sets values, it runs no callback)."""
    return {"preset": name, **{k: v for k, v in PRESETS[name].items() if k in TRAIN_NAIVE.by_name}}

LESSON_MINUTES = 50
POLL_QUESTION = 9            # the Broadcasting page's question put to the class: (1, 5) + (1, 16, 1)
_POLL = drill_question(["broadcast"], "basic", POLL_QUESTION)     # as the page draws it


@dataclass(frozen=True)
class LessonStep:
    minutes: int                  # how long this step takes
    page: str                     # url path of the page to open
    title: str
    show: str                     # what the teacher does on screen
    ask: str                      # the question for the class, before revealing the answer
    answer: str                   # what the class should find
    view: dict = field(default_factory=dict)   # settings of the view, by setting name

    @property
    def chapter_page(self) -> ChapterPage:
        return BY_URL_PATH[self.page]

    def link(self, projector: bool = False) -> str:
        return link(self.page, projector=projector, **self.view)


PLAN: tuple[LessonStep, ...] = (
    LessonStep(
        4, "home", "The data is a tensor",
        "Open digit 4 with its pixel values written in the cells, then point at the four "
        "shape badges above it.",
        "How many numbers describe one digit, and how many axes does train_images have?",
        "28 × 28 = 784 bytes per digit; train_images is rank 3: (samples, rows, columns).",
        {"digit": 4, "values": True}),
    LessonStep(
        4, "rank_shape", "Rank, shape, dtype",
        "Build a rank-3 tensor of shape (2, 3, 4) and turn the cube; then move the rank "
        "slider to 4.",
        "If we add a fourth axis of size 3 in front, what is the new shape, and how many "
        "numbers does it hold?",
        "(3, 2, 3, 4): three copies of the cube, 72 numbers. Each new axis wraps the tensor "
        "in one more pair of brackets.",
        {"rank": 3, "axis_0": 2, "axis_1": 3, "axis_2": 4}),
    LessonStep(
        6, "slicing", "Slicing and batches",
        "Type the crop train_images[:, 7:-7, 7:-7] and show which rows and columns stay; "
        "then scroll to the batches and move n.",
        "Before pressing Enter: what shape does train_images[:, 7:-7, 7:-7] have?",
        "(N, 14, 14): every digit, rows 7 to 20 and columns 7 to 20. A batch is a slice along "
        f"axis 0: train_images[{B} * n : {B} * (n + 1)] is ({B}, 28, 28).",
        {"index": "train_images[:, 7:-7, 7:-7]", "n": 3}),
    LessonStep(
        4, "elementwise", "Element-wise operations",
        "Run the race between the naive Python loops and NumPy on (20, 100) arrays, 1,000 "
        "times.",
        "Both sides do the same additions. Why is one side hundreds of times faster?",
        "The loops go through the interpreter one element at a time; NumPy runs the whole "
        "array in one compiled loop.",
        {}),
    LessonStep(
        7, "broadcasting", "Broadcasting",
        "Open np.maximum on (64, 3, 32, 10) and (32, 10) at its first step, and play the "
        "animation step by step. Then switch the example to the incompatible pair.",
        "Which of the two tensors gets new axes, and which axes are repeated?",
        "y has fewer axes, so it gets two size-1 axes in front: (1, 1, 32, 10); those are "
        "then repeated to (64, 3, 32, 10). (32, 10) + (32,) fails: 10 against 32 on the last "
        "axis, and neither is 1.",
        {"preset": "Book: np.maximum on (64, 3, 32, 10) and (32, 10)", "x": "(64, 3, 32, 10)",
         "y": "(32, 10)", "op": "maximum"}),
    LessonStep(
        4, "broadcasting", "A poll: the whole room answers",
        "Start a class on the Class page at the beginning of the lesson and leave its join "
        "code on screen while the room settles; students join from the sidebar. Here, open "
        "the page's shape question and press ❓ Ask the class this question in the sidebar. "
        "On the Class page, watch 'answered n of m', then 👀 Reveal: the spread of answers, "
        "the right one marked.",
        "Everyone, on your own page: {0} and {1}; what is {2}? You may change your answer "
        "until I lock it.".format(*_POLL.code.replace(" == ?", "").splitlines()),
        f"{_POLL.answer_text}. " + " ".join(_POLL.explanation[2:-1]).replace("**", ""),
        {"question": POLL_QUESTION}),
    LessonStep(
        6, "dot_product", "The dot product",
        "Show matrix · matrix with x (32, 10) and y (10, 64), then the matmul animation, cell "
        "by cell.",
        "Which sizes must be equal for np.dot(x, y), and which ones make the result?",
        " ".join(pairing_sentences("dot", (32, 10), (10, 64))),
        {"x": "(32, 10)", "y": "(10, 64)", "by_cell": True}),
    LessonStep(
        3, "reshape_transpose", "Reshape and transpose",
        "Play the book's reshape (3, 2) → (6, 1), then the transpose of a 3 × 4 matrix.",
        "Does reshape change the order of the numbers? Does transpose?",
        "Reshape keeps the order (row-major) and only regroups; transpose moves x[i, j] to "
        "x.T[j, i], so the order read row by row changes.",
        {"x": "(3, 2)", "new": "(6, 1)"}),
    LessonStep(
        3, "gradient_tape", "Gradients",
        "Pick y = x² and set x to 3.",
        "What slope will the tape return at x = 3?",
        "6: the derivative of x² is 2·x, and the dashed tangent has exactly that slope.",
        {"function": "square", "x": 3.0}),
    LessonStep(
        4, "train_naive", "Training, live",
        "Open the naive network with the 'faster: lr 0.1' settings and press Start; watch "
        "the loss fall and the 16 digits turn green. Then Reset, switch the preset to "
        "'book' and Start again.",
        "Why does the book's learning rate (0.001) learn so much more slowly here?",
        "Each SGD step moves every weight by learning_rate × gradient: a hundred times "
        "smaller steps need far more batches to get anywhere.",
        _preset("faster: lr 0.1")),
    LessonStep(
        5, "class_room", "Split the room: an experiment in a minute",
        "On the Class page, under 👥 Split the room, groups 1 and 2 come filled in with "
        "learning rates 0.001 and 0.1: press 👥 Split the room. Each student's train page "
        "offers their group's settings: they load them and press Start. The class's runs "
        "chart draws every student's loss, coloured by learning rate.",
        "Half of you train with steps a hundred times larger. Whose loss falls faster, and "
        "does anyone's blow up?",
        "The 0.1 group's lines drop within the first epoch, the 0.001 group's barely move: "
        "every step moves each weight by learning_rate × gradient. The ranked table shows the "
        "same in test accuracy. Far too large a step (try 10) makes the loss jump up instead.",
        {}),
)


def total_minutes() -> int:
    return sum(step.minutes for step in PLAN)


def schedule() -> list[tuple[int, int, LessonStep]]:
    """(start minute, end minute, step) for each step of the plan."""
    out, t = [], 0
    for step in PLAN:
        out.append((t, t + step.minutes, step))
        t += step.minutes
    return out
