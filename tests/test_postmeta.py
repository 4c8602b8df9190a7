"""What a post page shows around its body (nbpress/postmeta.py): table of contents,
reproducibility line, Colab link."""

from __future__ import annotations

from nbpress.model import Execution
from nbpress.postmeta import colab_url, duration, reproducibility, table_of_contents


def test_table_of_contents_rules() -> None:
    two = '<h2 id="a">A</h2><h2 id="b">B</h2>'
    three = two + '<h3 id="c">C</h3><h4 id="d">D</h4>'
    assert table_of_contents(two) == []
    assert table_of_contents(two, True) == [{"id": "a", "text": "A", "children": []},
                                            {"id": "b", "text": "B", "children": []}]
    assert table_of_contents(three) == [
        {"id": "a", "text": "A", "children": []},
        {"id": "b", "text": "B", "children": [{"id": "c", "text": "C", "children": []}]}]
    assert table_of_contents(three, False) == []


def test_reproducibility_line() -> None:
    recorded = {"numpy": "2.0", "scikit-learn": "1.5", "PyYAML": "6.0", "matplotlib": "3.9",
                "pyzmq": "26"}
    assert reproducibility(Execution(code_cells=0, executed_at="2024-05-06")) is None
    run = reproducibility(Execution(executed_at="2024-05-06T07:08:09+0000", seconds=3723,
                                    python="3.12.1", packages=recorded, code_cells=2,
                                    main_packages=("numpy", "scikit-learn", "gone")))
    assert run["executed_label"] == "May 6, 2024" and run["duration"] == "1 h 2 min"
    assert run["executed_at"] == "2024-05-06T07:08:09+00:00" and run["python"] == "3.12.1"
    assert run["main"] == [{"name": "numpy", "version": "2.0"},
                           {"name": "scikit-learn", "version": "1.5"}]
    assert [p["name"] for p in run["all"]] == ["matplotlib", "numpy", "PyYAML", "pyzmq",
                                               "scikit-learn"]


def test_durations_as_people_say_them() -> None:
    assert [duration(s) for s in (0.42, 12.4, 60, 185, 3723)] == [
        "0.4 s", "12 s", "1 min", "3 min 5 s", "1 h 2 min"]


def test_colab_url() -> None:
    assert colab_url("octo/lab", "main", "posts/2024-01-01-x.md") == \
        "https://colab.research.google.com/github/octo/lab/blob/main/posts/2024-01-01-x.md"
    assert colab_url("", "main", "posts/x.md") == ""


def test_ran_on_names_the_dask_worker_its_host_and_the_gpu() -> None:
    from nbpress.postmeta import ran_on

    assert ran_on({"worker": "gpu-1", "host": "box", "gpu": "NVIDIA H200"}) == \
        "the Dask worker gpu-1 on host box (NVIDIA H200)"
    assert ran_on({"worker": "w0", "host": "node7"}) == "the Dask worker w0 on host node7"
    assert ran_on({"gpu": "NVIDIA A100-SXM4-40GB"}) == "a GPU (NVIDIA A100-SXM4-40GB)"
    assert ran_on({}) == ""
