"""'Predict the shape' on a page: one seeded question, an answer box, the verdict, and the
rule walked step by step on this question when the student misses.

Everything lives in st.session_state under keys that start with `key`:

    {key}_seed      the question's number (its seed, 0..2**31-1): a small number box bound
                    to the URL, so a link opens this very question
    {key}_answer    the text input;  {key}_form, {key}_check, {key}_new: form and buttons
    {key}_level     the level radio (only when shape_quiz is called with level=None)
    {key}_verdict   the last verdict: {"question": [kind, level, seed], "correct", "message"}
    {key}_score     [right, answered]: the first readable answer to each question counts
    {key}_streak    right answers in a row;  {key}_best: the best streak of the session
    {key}_counted   [kind, level, seed] of the last question that counted
    {key}_question  the ShapeQuestion on screen (read-only, for tests and page code)

The question itself is a pure function of (kinds, level, seed), cached in lib.quiz, so a
rerun costs a dictionary lookup; clicks act in callbacks before the rerun.
"""
from __future__ import annotations

import streamlit as st

from lib.quiz import (KIND_LABELS, LEVEL_LABELS, LEVELS, MAX_ANSWER_TEXT, ShapeQuestion,
                      drill_question, make_question, mark, new_seed, normalize_kinds)
from lib.ui.bound import setting_widget
from lib.site.views import quiz_seed

__all__ = ["shape_quiz"]


def shape_quiz(kinds, key: str, level: str | None = None, *, show_score: bool = True,
               title: str | None = None) -> ShapeQuestion:
    """Draw a 'predict the shape' drill over `kinds` (see lib.quiz.KINDS) and return the
    question on screen. level=None draws a Basic / Harder choice under f"{key}_level"."""
    state = st.session_state
    kinds = normalize_kinds(kinds)
    if title:
        st.subheader(title)
    if level is None:
        level = st.radio("Level", LEVELS, key=f"{key}_level", horizontal=True,
                         format_func=LEVEL_LABELS.get)
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    for name, start in (("score", [0, 0]), ("streak", 0), ("best", 0)):
        state.setdefault(f"{key}_{name}", start)
    code, answer = st.columns([3, 2], vertical_alignment="top")
    with code:
        label, number = st.columns([3, 2], vertical_alignment="bottom")
        seed = int(setting_widget(quiz_seed(key), number))
        question = drill_question(kinds, level, seed)
        state[f"{key}_question"] = question
        label.caption(f"{KIND_LABELS[question.kind]} · {level} · question {seed}")
        st.code(question.code, language="python")
    with answer:
        with st.form(f"{key}_form", border=False):
            st.text_input("Your answer: the shape, or error", key=f"{key}_answer",
                          max_chars=MAX_ANSWER_TEXT, placeholder="(32, 10)  or  error")
            st.form_submit_button("✔️ Check", key=f"{key}_check", type="primary",
                                  on_click=_check, args=(key, question.kind, level, seed))
        st.button("🎲 New question", key=f"{key}_new", on_click=_new, args=(key, seed))

    verdict = state.get(f"{key}_verdict")
    if verdict and tuple(verdict["question"]) == question.ident:
        if verdict["correct"]:
            st.success(verdict["message"], icon="🎉")
        else:
            st.error(verdict["message"], icon="🤔")
        with st.expander(f"Why: step by step (answer: {question.answer_text})",
                         expanded=not verdict["correct"]):
            st.markdown("\n".join(f"{n}. {line}" for n, line in
                                  enumerate(question.explanation, start=1)))
    _score(key, show_score)
    return question


def _check(key: str, kind: str, level: str, seed: int) -> None:
    """✔️ Check: mark the answer to the question that was on screen, update score and streak."""
    state = st.session_state
    question = make_question(kind, level, seed)
    verdict = mark(question, state.get(f"{key}_answer", ""))
    ident = list(question.ident)
    if verdict.readable and state.get(f"{key}_counted") != ident:
        state[f"{key}_counted"] = ident
        right, answered = state[f"{key}_score"]
        state[f"{key}_score"] = [right + verdict.correct, answered + 1]
        state[f"{key}_streak"] = state[f"{key}_streak"] + 1 if verdict.correct else 0
        state[f"{key}_best"] = max(state[f"{key}_best"], state[f"{key}_streak"])
    state[f"{key}_verdict"] = {"question": ident, "correct": verdict.correct,
                               "message": verdict.message}


def _new(key: str, seed: int) -> None:
    """🎲 New question: a fresh seed, an empty answer box, no verdict."""
    state = st.session_state
    state[f"{key}_seed"] = new_seed(avoid=seed)
    state[f"{key}_answer"] = ""
    state.pop(f"{key}_verdict", None)


def _score(key: str, large: bool) -> None:
    state = st.session_state
    right, answered = state[f"{key}_score"]
    streak, best = state[f"{key}_streak"], state[f"{key}_best"]
    if large:
        score, run, top = st.columns(3)
        score.metric("Score", f"{right} / {answered}")
        run.metric("Streak", streak)
        top.metric("Best streak", best)
    else:
        st.caption(f"Score {right} / {answered} · streak {streak} · best {best} "
                   "(each question counts once)")
