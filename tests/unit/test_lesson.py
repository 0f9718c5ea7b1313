"""lib/site/lesson.py: the teachers' plan fills 50 minutes and every link opens a real view."""
from urllib.parse import parse_qsl, urlsplit

from lib.site.chapter import BY_URL_PATH
from lib.site.lesson import LESSON_MINUTES, PLAN, schedule, total_minutes
from lib.site.chapter import BY_PAGE, page_path


def test_the_plan_fills_the_lesson():
    assert total_minutes() == LESSON_MINUTES
    assert schedule()[0][0] == 0 and schedule()[-1][1] == LESSON_MINUTES
    assert all(step.show and step.ask and step.answer for step in PLAN)


def test_every_step_opens_a_page_of_the_chapter_with_values_it_accepts():
    for step in PLAN:
        assert step.page in BY_URL_PATH
        url = urlsplit(step.link(projector=True))
        params = dict(parse_qsl(url.query))
        assert url.path == page_path(step.page) and params.pop("projector") == "true"
        settings = {s.key: s for s in BY_PAGE.get(step.page, ())}
        for key, text in params.items():
            assert key in settings, (step.page, key)
            settings[key].from_url(text)                # raises if the page would refuse it


def test_the_plan_walks_the_chapter_forward():
    order = list(BY_URL_PATH)
    positions = [order.index(step.page) for step in PLAN]
    assert positions == sorted(positions)
