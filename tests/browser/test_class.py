"""Class mode in Chromium (issue 20): a teacher and two students in three browser contexts
on one server with its own SQLite class store. Join by code and by the join link, answer,
the teacher's "answered n of m" follows without a reload, the reveal draws the chart, a
student's page has no teacher control, a reconnect (a fresh session of the same browser)
keeps the seat; hostile codes, nicknames and keys in forms and URLs stay text.

Screenshots (look at them): tests/browser/screenshots/projector/class_room_teacher.png
(the teacher's page at 1280x720 in projector mode, after a reveal) and
tests/browser/screenshots/class_student.png (a student's page with the question card)."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from deploy import launch
from lib.classroom import names
from lib.classroom.store import MAX_NICKNAME, open_store
from lib.quiz import make_question
from tests.browser.conftest import _chromium, _skip_or_fail
from tests.browser.helpers import (SCREENSHOTS, expect_metric, expect_no_exception,
                                   open_app_page, screenshot, wait_idle)

TEACHER_CONTROLS = ("class_start", "class_ask", "class_lock", "class_reveal", "class_next",
                    "class_end", "class_show_key", "class_remove", "class_send_view",
                    "class_ask_here")
HOSTILE = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
           "[x](javascript:alert(1))", "'\"><svg onload=alert(1)>")


@pytest.fixture(scope="module")
def class_server(tmp_path_factory):
    """A server of its own, with a class store on a temporary file the test can read too."""
    if _chromium() is None:
        _skip_or_fail("no Chromium found (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("class")
    spec = f"sqlite:///{folder}/classes.sqlite3"
    env = {"MNIST_SOURCE": "sample", "TENSORLAB_CLASS_STORE": spec}
    try:
        with launch.serving(extra_env=env, log=folder / "streamlit.log", timeout=90) as server:
            store = open_store(spec)
            yield server.url, store
            store.close()
    except launch.ServerFailed as failed:
        pytest.fail(f"streamlit did not start: {failed}")


DIALOGS: list[str] = []          # an alert() that ran (a hostile script) would land here


def new_page(browser, width=1200, height=1600):
    context = browser.new_context(viewport={"width": width, "height": height})
    context.on("page", lambda p: p.on("dialog", lambda d: (DIALOGS.append(d.message),
                                                           d.dismiss())))
    page = context.new_page()
    page.set_default_timeout(90_000)
    return context, page


def key(page, name: str):
    return page.locator(f".st-key-{name}").first


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def no_teacher_control(page) -> None:
    for name in TEACHER_CONTROLS:
        if name != "class_start":
            expect(page.locator(f".st-key-{name}")).to_have_count(0)


def join_by_code(page, text: str) -> None:
    box = sidebar(page).locator(".st-key-class_join_code input")
    if not box.is_visible():
        sidebar(page).get_by_text("🙋 Join a class").click()
    box.fill(text)
    key(page, "class_join").locator("button").first.click()


def test_a_teacher_and_two_students(browser, class_server):
    url, store = class_server
    teacher_ctx, teacher = new_page(browser, 1400, 1800)
    ana_ctx, ana = new_page(browser)
    ben_ctx, ben = new_page(browser)
    try:
        open_app_page(teacher, url, "class_room")
        key(teacher, "class_start").locator("button").first.click()
        code_box = key(teacher, "class_code").locator("h1")
        expect(code_box).to_have_text(re.compile(r"^[A-Z0-9]{6}$"))
        code = code_box.inner_text().strip()
        expect(key(teacher, "class_code").locator("img")).to_be_visible()      # the QR code
        assert "teacher=" not in teacher.url

        open_app_page(ana, url)                                  # by the code, typed
        join_by_code(ana, code.lower()[:3] + " " + code.lower()[3:])
        expect(sidebar(ana).get_by_text(f"🙋 In class {code}")).to_be_visible()
        open_app_page(ben, url, f"?join={code}")                 # by the join link
        expect(sidebar(ben).get_by_text(f"🙋 In class {code}")).to_be_visible()
        expect(ben).not_to_have_url(re.compile("join="))
        expect_metric(teacher, "Here", "2")                      # without a reload

        key(teacher, "class_ask").locator("button").first.click()
        expect(teacher.get_by_text(re.compile(r"^Question 1 ·"))).to_be_visible()
        q = store.view(code).question
        question = make_question(q.kind, q.level, q.seed)
        for student in (ana, ben):                               # the card comes to them
            card = key(student, "class_question")
            expect(card.locator('[data-testid="stCode"]')).to_contain_text(
                question.code.splitlines()[-1])
        wrong = "error" if question.answer is not None else "(1,)"
        ana_box = key(ana, f"class_answer_{q.qid}").locator("input")
        ana_box.fill(question.answer_text)
        key(ana, f"class_send_{q.qid}").locator("button").first.click()
        expect(key(ana, "class_question")).to_contain_text("Sent:")
        expect_metric(teacher, "Answered", "1 of 2")
        key(ben, f"class_answer_{q.qid}").locator("input").fill("(9, 9)")
        key(ben, f"class_send_{q.qid}").locator("button").first.click()
        expect(key(ben, "class_question")).to_contain_text("Sent: (9, 9)")
        key(ben, f"class_answer_{q.qid}").locator("input").fill(wrong)      # changed
        key(ben, f"class_send_{q.qid}").locator("button").first.click()
        expect(key(ben, "class_question")).to_contain_text(f"Sent: {wrong}")
        expect_metric(teacher, "Answered", "2 of 2")
        expect(teacher.locator(".st-key-class_poll_chart")).to_have_count(0)   # hidden till reveal
        screenshot(ben, "class_student")

        key(teacher, "class_reveal").locator("button").first.click()
        chart = key(teacher, "class_poll_chart").locator(".js-plotly-plot")
        expect(chart).to_be_visible()
        expect(chart.locator("text", has_text="✓ right")).to_have_count(1)
        expect(key(ana, "class_question")).to_contain_text("Right")
        expect(key(ben, "class_question")).to_contain_text("Not quite")

        for student in (ana, ben):                               # no teacher control anywhere
            no_teacher_control(student)
        open_app_page(ben, url, "class_room")
        expect(ben.get_by_text("as a student")).to_be_visible()
        no_teacher_control(ben)
        expect(ben.locator(".st-key-class_start")).to_have_count(0)

        # a reconnect: a fresh session of the same browser (another replica would give one)
        again = ana_ctx.new_page()
        again.set_default_timeout(90_000)
        open_app_page(again, url, "slicing")
        expect(sidebar(again).get_by_text(f"🙋 In class {code}")).to_be_visible()
        expect(key(again, "class_question")).to_contain_text("Right")
        assert len([m for m in store.view(code).members if not m.removed]) == 2

        # the projector: the teacher's browser on the page in projector mode, at 1280x720
        projector = teacher_ctx.new_page()
        projector.set_default_timeout(90_000)
        projector.set_viewport_size({"width": 1280, "height": 720})
        open_app_page(projector, url, "class_room?projector=true")
        expect(key(projector, "class_poll_chart").locator(".js-plotly-plot")).to_be_visible()
        expect(key(projector, "class_code").locator("h1")).to_have_text(code)
        assert "teacher=" not in projector.url
        expect_no_exception(projector)
        (SCREENSHOTS / "projector").mkdir(parents=True, exist_ok=True)
        projector.screenshot(path=str(SCREENSHOTS / "projector" / "class_room_teacher.png"))
        for page in (teacher, ana, ben, again):
            expect_no_exception(page)
        assert DIALOGS == []
    finally:
        for context in (teacher_ctx, ana_ctx, ben_ctx):
            context.close()


def test_hostile_codes_nicknames_and_keys_stay_text(browser, class_server):
    url, store = class_server
    code, secret = store.create_class()
    context, page = new_page(browser)
    try:
        open_app_page(page, url)
        for text in HOSTILE:                                     # typed into the join box
            join_by_code(page, text)
            wait_idle(page)
            expect(sidebar(page).get_by_text("That is not a class code")).to_be_visible()
        join_by_code(page, "K7PX4M" if code != "K7PX4M" else "K7PX4A")     # no such class
        expect(sidebar(page).get_by_text("No class has the code")).to_be_visible()
        for text in HOSTILE[:2]:                                 # in a join link
            open_app_page(page, url, f"?join={quote(text)}")
            expect(sidebar(page).get_by_text("That is not a class code")).to_be_visible()
            assert "join=" not in page.url
        for text in (*HOSTILE[:2], f"{code}.{'A' * 32}"):        # a teacher link, or forged
            open_app_page(page, url, f"class_room?teacher={quote(text)}")
            expect(sidebar(page).get_by_text("That teacher link does not open a class")
                   ).to_be_visible()
            assert "teacher=" not in page.url
            no_teacher_control(page)
        # a hostile nickname is cleaned to letters and digits and shown as text
        open_app_page(page, url, f"?join={code}")
        expect(sidebar(page).get_by_text(f"🙋 In class {code}")).to_be_visible()
        for text in HOSTILE:
            text = text[:MAX_NICKNAME]                           # what the box lets one type
            box = page.locator(".st-key-class_nickname input")
            if not box.is_visible():
                sidebar(page).get_by_text("Change my nickname").click()
            box.fill(text)
            key(page, "class_rename").locator("button").first.click()
            wait_idle(page)
            nickname = names.clean_nickname(text)                # letters and digits only
            assert re.fullmatch(r"[A-Za-z0-9 ]+", nickname), nickname
            expect(sidebar(page).get_by_text(f"🙋 In class {code} as {nickname}")
                   ).to_be_visible()
            assert store.view(code).members[0].nickname == nickname
        expect(page.locator('img[src="x"], svg[onload]')).to_have_count(0)
        expect_no_exception(page)
        assert DIALOGS == []
    finally:
        context.close()
