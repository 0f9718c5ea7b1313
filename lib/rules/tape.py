"""tf.GradientTape on one-variable functions, for the Gradient tape page.

Each function exists three times, kept side by side so they cannot drift apart: the
TensorFlow expression the tape watches, the NumPy curve we draw, and the derivative
worked out by hand. TensorFlow comes from its one owner, lib/core/tf.py, inside the
functions that need it (once the server's warm-up is over; the page waits behind a spinner).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from lib.core.tf import tensorflow

MAX_ABS_X = 1e3            # points and coefficients the student may pick, bounded
MAX_ABS_COEFF = 1e3


@dataclass(frozen=True)
class Function:
    key: str
    formula: str                          # how the page writes it, with a and b filled in
    tf_code: str                          # the line inside the tape, e.g. "y = a * x + b"
    numpy: Callable[[np.ndarray, float, float], np.ndarray]
    derivative: Callable[[float, float, float], float]
    derivative_text: str
    note: str = ""


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


FUNCTIONS: dict[str, Function] = {f.key: f for f in (
    Function("linear", "y = a·x + b", "y = a * x + b",
             lambda x, a, b: a * x + b, lambda x, a, b: a, "dy/dx = a",
             "A straight line has the same slope everywhere: the gradient is a, whatever x is."),
    Function("square", "y = x²", "y = x ** 2",
             lambda x, a, b: x ** 2, lambda x, a, b: 2 * x, "dy/dx = 2·x",
             "The slope grows with x: negative on the left, 0 at the bottom, positive on the right."),
    Function("relu", "y = relu(x) = max(x, 0)", "y = tf.nn.relu(x)",
             lambda x, a, b: np.maximum(x, 0), lambda x, a, b: 1.0 if x > 0 else 0.0,
             "dy/dx = 1 if x > 0, else 0",
             "At x = 0 the corner has no single slope; TensorFlow uses 0 there."),
    Function("sigmoid", "y = sigmoid(x) = 1 / (1 + e⁻ˣ)", "y = tf.math.sigmoid(x)",
             lambda x, a, b: _sigmoid(x), lambda x, a, b: float(_sigmoid(x) * (1 - _sigmoid(x))),
             "dy/dx = sigmoid(x)·(1 − sigmoid(x))",
             "Steepest at x = 0 (slope 0.25); far from 0 the curve is flat and the gradient "
             "nearly vanishes."),
)}


def check_inputs(x_value: float, a: float = 2.0, b: float = 3.0) -> None:
    """Raise ValueError (a sentence for the student) for values we will not compute with."""
    for name, value, limit in (("x", x_value, MAX_ABS_X), ("a", a, MAX_ABS_COEFF),
                               ("b", b, MAX_ABS_COEFF)):
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number")
        if abs(value) > limit:
            raise ValueError(f"{name} must be between -{limit:g} and {limit:g}")


def book_example():
    """The notebook's first tape. Returns 2.0.
    x is a constant, not a variable: the tape must be told to watch it."""
    tf = tensorflow()  # import tensorflow as tf

    x = tf.zeros(shape=())
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = 2 * x + 3
    grad_of_y_wrt_x = tape.gradient(y, x)
    return float(grad_of_y_wrt_x)


def unwatched_example():
    """The same cell without tape.watch(x). Returns None:
    the tape kept no record of the constant x."""
    tf = tensorflow()  # import tensorflow as tf

    x = tf.zeros(shape=())
    with tf.GradientTape() as tape:
        y = 2 * x + 3
    grad_of_y_wrt_x = tape.gradient(y, x)
    return grad_of_y_wrt_x


def tensor_example(seed: int = 0):
    """The tape on tensors; each gradient has its variable's shape. Seeded per call
    (stateless draws), never through TensorFlow's process-wide seed."""
    tf = tensorflow()  # import tensorflow as tf

    W = tf.Variable(tf.random.stateless_uniform((2, 2), seed=(seed, 0)))  # (2, 2)
    b = tf.Variable(tf.zeros((2,)))                                       # (2,)
    x = tf.random.stateless_uniform((2, 2), seed=(seed, 1))               # (2, 2)
    with tf.GradientTape() as tape:
        y = tf.matmul(x, W) + b                                           # (2, 2)
    grad_of_y_wrt_W_and_b = tape.gradient(y, [W, b])                      # [(2, 2), (2,)]
    grad_W, grad_b = grad_of_y_wrt_W_and_b
    return dict(x=x.numpy(), W=W.numpy(), b=b.numpy(),
                grad_W=grad_W.numpy(), grad_b=grad_b.numpy())


def tape_gradient(key: str, x_value: float, a: float = 2.0, b: float = 3.0) -> tuple[float, float]:
    """(y, dy/dx) at x_value, the gradient computed by tf.GradientTape."""
    tf = tensorflow()  # import tensorflow as tf

    check_inputs(x_value, a, b)
    x = tf.Variable(float(x_value))
    with tf.GradientTape() as tape:
        if key == "linear":
            y = a * x + b
        elif key == "square":
            y = x ** 2
        elif key == "relu":
            y = tf.nn.relu(x)
        elif key == "sigmoid":
            y = tf.math.sigmoid(x)
        else:
            raise ValueError(f"unknown function {key!r}")
    grad = tape.gradient(y, x)
    return float(y), float(grad)


def analytic_gradient(key: str, x_value: float, a: float = 2.0, b: float = 3.0) -> float:
    return float(FUNCTIONS[key].derivative(float(x_value), a, b))


def curve(key: str, x_value: float, a: float = 2.0, b: float = 3.0, points: int = 201):
    """xs, ys around the chosen point (±4, or wider when the point is far out)."""
    half = max(4.0, abs(x_value) * 1.2)
    xs = np.linspace(x_value - half, x_value + half, points) if abs(x_value) > 3 else \
        np.linspace(-half, half, points)
    return xs, FUNCTIONS[key].numpy(xs, a, b)


def snippet(key: str, x_value: float, a: float = 2.0, b: float = 3.0) -> str:
    """The few lines a student would type for this choice (what tape_gradient runs)."""
    line = FUNCTIONS[key].tf_code
    if key == "linear":
        line = f"y = {a:g} * x + {b:g}"
    return (
        "import tensorflow as tf\n\n"
        f"x = tf.Variable({float(x_value)!r})\n"
        "with tf.GradientTape() as tape:\n"
        f"    {line}\n"
        "grad_of_y_wrt_x = tape.gradient(y, x)\n"
    )

