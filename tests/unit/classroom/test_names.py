"""Join codes, nicknames and keys: made here, read back through whitelists (Hypothesis)."""
from __future__ import annotations

import random
import re

from hypothesis import given
from hypothesis import strategies as st

from lib.classroom import names
from lib.classroom.store import MAX_NICKNAME, Refused

MARKUP = set("<>&\"'`=/\\;:{}()[]")
codes = st.text(alphabet=names.ALPHABET, min_size=names.CODE_LEN, max_size=names.CODE_LEN)


def test_the_alphabet_has_no_look_alikes():
    assert not set("0O1IL5S2Z8BQUV") & set(names.ALPHABET)
    assert len(set(names.ALPHABET)) == len(names.ALPHABET)
    assert names.read_code(names.CODE_EXAMPLE) == names.CODE_EXAMPLE


@given(st.randoms(use_true_random=False))
def test_new_codes_round_trip(rng):
    code = names.new_code(rng)
    assert names.read_code(code) == code
    assert names.read_code(f" {code[:3].lower()}-{code[3:]} ") == code


@given(codes, st.lists(st.sampled_from(" -\t"), max_size=4), st.booleans())
def test_typed_codes_are_read_loosely(code, seps, lower):
    typed = code[:2] + "".join(seps) + code[2:]
    assert names.read_code(typed.lower() if lower else typed) == code


@given(st.text(max_size=60))
def test_any_text_is_a_code_or_a_calm_refusal(text):
    try:
        code = names.read_code(text)
    except Refused as e:
        assert e.message in {
            f"Type the class code your teacher shows, like {names.CODE_EXAMPLE}.",
            f"A class code has {names.CODE_LEN} characters, like {names.CODE_EXAMPLE}.",
            f"That is not a class code: a code has {names.CODE_LEN} letters and digits, "
            f"like {names.CODE_EXAMPLE}."}
    else:
        assert len(code) == names.CODE_LEN and set(code) <= set(names.ALPHABET)


@given(st.randoms(use_true_random=False))
def test_generated_nicknames_are_clean_already(rng):
    nick = names.new_nickname(rng)
    assert names.clean_nickname(nick) == nick and len(nick.split()) == 2
    assert len(nick) <= MAX_NICKNAME


def test_every_nickname_word_pair_fits():
    longest = max(map(len, names.ADJECTIVES)) + 1 + max(map(len, names.ANIMALS))
    assert longest <= MAX_NICKNAME


@given(st.text(max_size=300))
def test_nicknames_never_carry_markup_and_are_bounded(text):
    try:
        nick = names.clean_nickname(text)
    except Refused as e:
        assert e.message in {f"A nickname needs letters or digits (at most {MAX_NICKNAME}).",
                             f"A nickname has at most {MAX_NICKNAME} characters."}
        return
    assert 1 <= len(nick) <= MAX_NICKNAME
    assert not MARKUP & set(nick)
    assert nick == nick.strip() and "  " not in nick
    assert all(c.isalnum() or c == " " for c in nick)


@given(st.text(alphabet=st.characters(categories=["L", "N"], max_codepoint=0x2FF),
               min_size=1, max_size=20))
def test_letters_and_digits_survive(text):
    # (Below U+0300 every letter and digit survives NFKC; 17 compatibility forms above it,
    # such as U+FE70, fold into a space and a combining mark, so those alone are refused.)
    assert names.clean_nickname(text)


@given(st.text(alphabet="abcXYZ019 ", max_size=40))
def test_plain_ascii_names_keep_their_words(text):
    try:
        nick = names.clean_nickname(text)
    except Refused:
        assert not text.strip()
    else:
        assert nick == " ".join(text.split())[:MAX_NICKNAME].strip()


def test_hostile_nicknames():
    assert names.clean_nickname("<script>alert('x')</script>") == "script alert x script"
    assert names.clean_nickname("Ann-Marie  O'Neil") == "Ann Marie O Neil"
    assert names.clean_nickname("\u202eevil\u200b name") == "evil name"
    assert names.clean_nickname("Ｚｏë ２") == "Zoë 2"
    for bad in ("", "   ", "<>&", None, 5, "x" * 201):
        try:
            names.clean_nickname(bad)
        except Refused:
            continue
        raise AssertionError(f"{bad!r} was accepted")


def test_keys_round_trip_and_differ():
    keys = {names.new_key() for _ in range(50)}
    assert len(keys) == 50
    assert all(names.read_key(k) == k and len(k) == 32 for k in keys)


@given(st.text(max_size=100))
def test_any_text_is_a_key_or_refused(text):
    try:
        key = names.read_key(text)
    except Refused as e:
        assert e.message == "That teacher key is not valid."
    else:
        assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key)


def test_new_nickname_without_an_rng():
    assert names.clean_nickname(names.new_nickname()) and names.new_code(random.Random(1))
