"""lib/quiz.py: questions NumPy answers, and answers marked fairly."""
import numpy as np

from tests.unit.strategies import numpy_broadcast


def test_quiz_questions_mix_compatible_and_refused():
    from lib.quiz import random_question
    rng = np.random.default_rng(0)
    questions = [random_question(rng) for _ in range(400)]
    refused = sum(q.answer is None for q in questions)
    assert 60 <= refused <= 200                      # about 30 % clash
    for q in questions:
        assert 1 <= max(len(q.a), len(q.b)) <= 4
        assert q.answer == numpy_broadcast(q.a, q.b)


def test_quiz_marking():
    from lib.quiz import Question, answer_text, check_answer
    q = Question((32, 10), (10,))
    assert check_answer(q, "(32, 10)").correct
    assert check_answer(q, "32,10").correct
    assert check_answer(q, answer_text(q)).correct
    assert not check_answer(q, "(10, 32)").correct
    assert not check_answer(q, "error").correct
    assert not check_answer(q, "").correct
    assert "could not read" in check_answer(q, "(3.5,)").message
    bad = Question((3, 5), (4, 5))
    assert check_answer(bad, "Error").correct and check_answer(bad, answer_text(bad)).correct
    assert not check_answer(bad, "(4, 5)").correct
