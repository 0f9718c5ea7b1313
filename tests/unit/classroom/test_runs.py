"""lib/classroom/runs.py: run reports, ranking, split the room, and the bounds on all of it."""
import math

import pytest

from lib.classroom.runs import (MAX_GROUPS, MAX_RUNS_SHOWN, NO_VALUE, RunRecord, assign_groups,
                                check_groups, check_setting, check_settings, colour_key,
                                colour_keys, group_settings, latest_per_member, ranked,
                                record_from_row, records_from_rows, report_settings,
                                settings_text, table_rows)

BOOK = {"preset": "book", "init": "uniform", "learning_rate": 1e-3, "batch_size": 128,
        "engine": "compiled"}


def row(member, nickname, epochs, run_id="r1", done=False, **settings):
    return {"member_id": member, "nickname": nickname, "run_id": run_id,
            "settings": {**BOOK, **settings}, "epochs": epochs, "done": done}


# ------------------------------------------------------------------ settings

def test_report_settings_keeps_the_five_the_class_sees():
    values = {**BOOK, "epochs": 10, "seed": 3, "train_size": 4000, "pick": 2,
              "update_rule": "manual"}
    assert report_settings(values) == BOOK


@pytest.mark.parametrize("name, value", [
    ("learning_rate", 0), ("learning_rate", -1.0), ("learning_rate", math.nan),
    ("learning_rate", math.inf), ("learning_rate", 1e7), ("learning_rate", "0.1"),
    ("learning_rate", True), ("batch_size", 0), ("batch_size", 10_000), ("batch_size", 12.5),
    ("batch_size", "128"), ("batch_size", False), ("epochs", 101), ("epochs", math.nan),
    ("preset", ""), ("preset", "x" * 49), ("preset", 3), ("engine", "a\nb"),
    ("init", None), ("seed", 1), ("<script>", 1)])
def test_a_setting_out_of_shape_or_bounds_is_refused_with_a_sentence(name, value):
    with pytest.raises(ValueError) as err:
        check_setting(name, value)
    assert len(str(err.value)) < 120


def test_numbers_come_back_as_their_kind():
    batch, rate = check_setting("batch_size", 64.0), check_setting("learning_rate", 1)
    assert batch == 64 and type(batch) is int
    assert rate == 1.0 and type(rate) is float


def test_check_settings_refuses_names_it_does_not_know():
    with pytest.raises(ValueError, match="seed"):
        check_settings({"learning_rate": 0.1, "seed": 4})
    with pytest.raises(ValueError):
        check_settings(["learning_rate"])


def test_settings_text_reads_like_the_page():
    text = settings_text({"learning_rate": 0.1, "preset": "book"})
    assert text == "preset=book, learning_rate=0.1"
    assert settings_text({"learning_rate": 1e-3}) == "learning_rate=0.001"


# ------------------------------------------------------------------ records and ranking

def test_a_store_row_becomes_a_record_and_bad_parts_are_dropped():
    r = record_from_row(row("m1", "Brave Otter", [[2, 1.9, 0.4], [1, 2.2, None],
                                                  [3, "x", 0.5], [4, 1.0, 1.5], [0, 2.3, 0.1],
                                                  [5, math.inf, 0.2], "junk"],
                            learning_rate="fast", engine="compiled"))
    assert r.epochs == ((1, 2.2, None), (2, 1.9, 0.4))
    assert r.epochs_done == 2 and r.last_loss == 1.9 and r.test_acc == 0.4
    assert "learning_rate" not in r.settings and r.settings["engine"] == "compiled"
    for bad in (None, [], {"member_id": "", "nickname": "a", "run_id": "r"},
                {"member_id": "m", "nickname": None, "run_id": "r"}):
        assert record_from_row(bad) is None


def test_records_are_bounded():
    rows = [row(f"m{i}", f"S{i}", [[1, 2.0, 0.1]]) for i in range(MAX_RUNS_SHOWN + 20)]
    assert len(records_from_rows(rows + [None])) == MAX_RUNS_SHOWN


def test_ranking_by_test_accuracy_then_loss_runs_without_one_last():
    records = records_from_rows([
        row("a", "Ann", [[1, 2.0, 0.30]]),
        row("b", "Bob", [[1, 1.0, 0.80], [2, 0.5, None]]),      # latest accuracy is epoch 1's
        row("c", "Cy", []),
        row("d", "Dee", [[1, 0.4, 0.80]]),                        # same accuracy, lower loss
        row("e", "Eve", [[1, 2.3, None]]),
    ])
    assert [r.nickname for r in ranked(records)] == ["Dee", "Bob", "Ann", "Eve", "Cy"]
    table = table_rows(ranked(records))
    assert [t["#"] for t in table] == [1, 2, 3, 4, 5]
    assert table[0]["test accuracy"] == 80.0 and table[0]["learning rate"] == "0.001"
    assert table[-1]["test accuracy"] is None and table[-1]["status"] == "training"


def test_one_line_per_student_their_latest_run():
    records = records_from_rows([row("a", "Ann", [[1, 2.0, 0.3]], run_id="r1"),
                                 row("b", "Bob", [[1, 2.0, 0.3]], run_id="r1"),
                                 row("a", "Ann", [[1, 1.0, 0.9]], run_id="r2")])
    latest = latest_per_member(records)
    assert [(r.member_id, r.run_id) for r in latest] == [("a", "r2"), ("b", "r1")]


def test_colour_keys_order_numbers_then_names_then_unset():
    records = [RunRecord("a", "A", "r", {"learning_rate": 0.1}, ()),
               RunRecord("b", "B", "r", {"learning_rate": 1e-3}, ()),
               RunRecord("c", "C", "r", {}, ()),
               RunRecord("d", "D", "r", {"learning_rate": 0.1}, ())]
    assert colour_keys(records, "learning_rate") == ["0.001", "0.1", NO_VALUE]
    assert colour_key(records[1], "learning_rate") == "0.001"
    with pytest.raises(ValueError):
        colour_key(records[0], "nickname")


# ------------------------------------------------------------------ split the room

def test_half_the_room_at_each_learning_rate():
    groups = check_groups([{"learning_rate": 1e-3}, {"learning_rate": 0.1}])
    members = [f"m{i}" for i in range(7)]
    assigned = assign_groups(members, len(groups))
    assert [assigned[m] for m in members] == [0, 1, 0, 1, 0, 1, 0]
    sizes = [list(assigned.values()).count(g) for g in range(2)]
    assert max(sizes) - min(sizes) <= 1
    split = {"groups": groups, "sent_at": 1.0}
    assert group_settings(split, assigned["m1"]) == {"learning_rate": 0.1}


def test_three_groups_with_presets():
    groups = check_groups([{"preset": "book"}, {"preset": "faster: lr 0.1"},
                           {"preset": "book", "learning_rate": 0.01, "epochs": 3}])
    assert groups[2] == {"preset": "book", "learning_rate": 0.01, "epochs": 3}
    assert set(assign_groups(["a", "b", "c", "d"], 3).values()) == {0, 1, 2}


@pytest.mark.parametrize("groups, words", [
    ([{"learning_rate": 0.1}], "2 to 3 groups"),
    ([{"learning_rate": 0.1}] * 2, "same settings"),
    ([{"learning_rate": 0.1 * i} for i in range(1, MAX_GROUPS + 2)], "2 to 3 groups"),
    ([{"learning_rate": 0.1}, {}], "sets nothing"),
    ([{"learning_rate": 0.1}, {"learning_rate": 1e9}], "Group 2"),
    ([{"learning_rate": 0.1}, {"seed": 1}], "Group 2"),
    ([{"learning_rate": 0.1}, "lr=1"], "Group 2"),
    ("two groups", "2 to 3 groups"),
])
def test_a_bad_split_is_refused_with_a_sentence(groups, words):
    with pytest.raises(ValueError, match=words):
        check_groups(groups)


def test_group_settings_of_a_bad_or_missing_split_is_none():
    split = {"groups": [{"learning_rate": 0.1}, {"learning_rate": "huge"}]}
    assert group_settings(split, 0) == {"learning_rate": 0.1}
    for bad_split, group in ((split, 1), (split, 2), (split, -1), (split, None), (split, True),
                             (None, 0), ({"groups": "x"}, 0), ({"groups": [{}] * 9}, 5)):
        assert group_settings(bad_split, group) is None
    with pytest.raises(ValueError):
        assign_groups(["a"], 1)


def test_the_table_shows_groups_once_the_room_is_split():
    plain = table_rows(records_from_rows([row("a", "Ann", [[1, 2.0, 0.3]])]))
    assert "group" not in plain[0]
    rows = [{**row("a", "Ann", [[1, 2.0, 0.3]]), "group": 1},
            {**row("b", "Bob", [[1, 2.0, 0.2]]), "group": None},
            {**row("c", "Cy", [[1, 2.0, 0.1]]), "group": True}]
    assert [t["group"] for t in table_rows(records_from_rows(rows))] == [2, None, None]
