"""AppTest: Rank & shape."""
from tests.app.helpers import open_app


def rank_page():
    at = open_app("pages/rank_shape.py")
    assert not at.exception
    return at


def metric(at, label):
    return [m.value for m in at.metric if m.label == label]


def test_examples_and_train_images():
    """The examples' tabs are lazy: a first view runs the open one (rank 0) alone, and
    opening another runs that one."""
    at = rank_page()
    assert metric(at, "x.ndim")[0] == "0" and metric(at, "x.shape")[0] == "()"
    assert "x = np.array([12, 3, 6, 14, 7])" not in [c.value for c in at.code]
    assert any("train_images.shape   # (4000, 28, 28)" in c.value for c in at.code)
    seen = {}
    for label in [t.label for t in at.tabs][:4]:
        at.session_state["rank_example_tab"] = label
        at.run()
        assert not at.exception
        seen[label] = (metric(at, "x.ndim")[0], metric(at, "x.shape")[0],
                       [c.value for c in at.code][0])
    assert [v[:2] for v in seen.values()] == [("0", "()"), ("1", "(5,)"), ("2", "(3, 5)"),
                                              ("3", "(3, 3, 5)")]
    codes = [v[2] for v in seen.values()]
    assert codes[0] == "x = np.array(12)" and codes[1] == "x = np.array([12, 3, 6, 14, 7])"
    assert codes[2].startswith("x = np.array([[5, 78, 2, 34, 0],")


def test_builder_shape_follows_the_widgets():
    at = rank_page()
    assert metric(at, "Resulting shape") == ["(2, 3, 4)"]
    at.slider(key="builder_rank").set_value(5).run()
    assert metric(at, "Resulting shape") == ["(2, 3, 4, 3, 2)"]
    at.number_input(key="builder_axis_0").set_value(3).run()
    assert metric(at, "Resulting shape") == ["(3, 3, 4, 3, 2)"]
    at.slider(key="builder_rank").set_value(1).run()
    assert metric(at, "Resulting shape")[0].startswith("(")
    assert not at.exception


def test_builder_refuses_a_huge_tensor_with_a_message():
    at = rank_page()
    for axis in range(3):
        at.number_input(key=f"builder_axis_{axis}").set_value(12)
    at.run()
    assert not at.exception
    assert any("too many to draw" in e.value for e in at.error)


def test_float_dtype_changes_the_code():
    at = rank_page()
    at.selectbox(key="builder_dtype").set_value("float32").run()
    assert any('astype("float32")' in c.value for c in at.code)
    assert "float32" in metric(at, "x.dtype")


def test_the_cube_names_each_axis_inside_its_scene():
    """The builder's 3-D drawing names every axis as a scene annotation (drawn whole by
    the browser, not WebGL text cut at the figure's edge), anchored inside the scene."""
    from tests.app.helpers import plotly_specs

    at = rank_page()
    cubes = [s for s in plotly_specs(at) if s["layout"].get("scene", {}).get("annotations")]
    cube = cubes[-1]                           # the rank-3 example's, then the builder's
    scene = cube["layout"]["scene"]
    texts = [a["text"].replace("<b>", "").replace("</b>", "") for a in scene["annotations"]]
    assert texts == ["axis 0: 2 depth", "axis 1: 3 rows", "axis 2: 4 columns"]
    for a in scene["annotations"]:
        for axis in "xyz":
            low, high = scene[f"{axis}axis"]["range"]
            assert low <= a[axis] <= high, (a["text"], axis)
