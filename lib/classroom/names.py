"""Join codes, nicknames and secret keys: made here, and read back through whitelists.

Everything a user types or puts in a URL goes through a `read_*`/`clean_*` function: bounded
first, then only the allowed characters, else Refused with a calm sentence that never repeats
what was typed (so nothing typed reaches a page as markup)."""
from __future__ import annotations

import random
import re
import secrets
import unicodedata

from lib.classroom.base import MAX_NICKNAME, Refused

# No look-alikes on a projector: no 0/O/Q, 1/I/L, 5/S, 2/Z, 8/B, U/V; few vowels, so that
# codes rarely spell words.
ALPHABET = "ACDEFGHJKMNPRTWXY34679"
CODE_LEN = 6
CODE_EXAMPLE = "K7PX4M"
MAX_CODE_INPUT = 40          # characters of typed text read_code looks at
MAX_NICKNAME_INPUT = 200     # characters of typed text clean_nickname looks at
KEY_MIN, KEY_MAX = 16, 64    # a key's or seat's length (new_key makes 32)
_KEY_RE = re.compile(r"[A-Za-z0-9_-]+")

ADJECTIVES = ("Brave", "Calm", "Clever", "Curious", "Eager", "Gentle", "Happy", "Kind",
              "Lively", "Lucky", "Merry", "Mighty", "Nimble", "Patient", "Quick", "Quiet",
              "Bright", "Bold", "Cheerful", "Daring", "Friendly", "Jolly", "Keen", "Proud",
              "Sunny", "Swift", "Witty", "Wise", "Steady", "Sharp", "Plucky", "Cosy")
ANIMALS = ("Otter", "Badger", "Falcon", "Heron", "Lynx", "Marten", "Owl", "Panda", "Puffin",
           "Raven", "Robin", "Seal", "Tiger", "Turtle", "Walrus", "Wren", "Beaver", "Bison",
           "Crane", "Dolphin", "Ferret", "Gecko", "Hedgehog", "Koala", "Lemur", "Moose",
           "Newt", "Okapi", "Pelican", "Quokka", "Salmon", "Yak")


def new_code(rng: random.Random | None = None) -> str:
    """A fresh join code: CODE_LEN characters of ALPHABET (secrets unless an rng is given)."""
    pick = rng.choice if rng is not None else secrets.choice
    return "".join(pick(ALPHABET) for _ in range(CODE_LEN))


def read_code(text) -> str:
    """A join code from what someone typed or a URL carried: upper-cased, spaces and dashes
    dropped, then exactly CODE_LEN characters of ALPHABET; else Refused."""
    if not isinstance(text, str) or not text.strip():
        raise Refused(f"Type the class code your teacher shows, like {CODE_EXAMPLE}.")
    if len(text) > MAX_CODE_INPUT:
        raise Refused(f"A class code has {CODE_LEN} characters, like {CODE_EXAMPLE}.")
    code = re.sub(r"[\s\-]+", "", text).upper()
    if len(code) != CODE_LEN or any(c not in ALPHABET for c in code):
        raise Refused(f"That is not a class code: a code has {CODE_LEN} letters and digits, "
                      f"like {CODE_EXAMPLE}.")
    return code


def new_nickname(rng: random.Random | None = None) -> str:
    """Two words, like "Brave Otter" (always within MAX_NICKNAME)."""
    r = rng if rng is not None else random.SystemRandom()
    return f"{r.choice(ADJECTIVES)} {r.choice(ANIMALS)}"


def clean_nickname(text) -> str:
    """A nickname from what someone typed: NFKC, anything but letters and digits becomes a
    space, spaces collapsed, at most MAX_NICKNAME characters; Refused if nothing is left."""
    if not isinstance(text, str):
        raise Refused("A nickname is a few letters or digits.")
    if len(text) > MAX_NICKNAME_INPUT:
        raise Refused(f"A nickname has at most {MAX_NICKNAME} characters.")
    text = unicodedata.normalize("NFKC", text)
    kept = "".join(c if (c.isalnum() and c.isprintable()) else " " for c in text)
    name = " ".join(kept.split())[:MAX_NICKNAME].strip()
    if not name:
        raise Refused(f"A nickname needs letters or digits (at most {MAX_NICKNAME}).")
    return name


def new_key() -> str:
    """An unguessable secret (teacher key or a student's seat): 32 URL-safe characters."""
    return secrets.token_urlsafe(24)


def read_key(text, what: str = "teacher key") -> str:
    """A key or seat from a form, a URL or a cookie: bounded, URL-safe characters only."""
    if not isinstance(text, str) or not (KEY_MIN <= len(text) <= KEY_MAX) \
            or not _KEY_RE.fullmatch(text):
        raise Refused(f"That {what} is not valid.")
    return text
