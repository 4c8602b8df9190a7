"""``_data/`` as ``site.data`` (nbpress/sitedata.py), as Jekyll reads data files."""

from __future__ import annotations

import pytest

from nbpress.errors import ConfigError
from nbpress.sitedata import data_files, load_data


def test_yaml_json_csv_tsv_and_folders(make_site) -> None:
    root = make_site({
        "_data/authors.yml": "mara:\n  name: Mara Quist\n  orcid: 0000-0002-1825-0097\n",
        "_data/links.json": '{"github": "https://github.com/maraquist"}',
        "_data/talks.csv": "year,title\n2019,Counting seabirds\n2021,Messy counts\n",
        "_data/grants.tsv": "funder\tyear\nNERC\t2020\n",
        "_data/team/people.yaml": "- Ana\n- Bo\n",
        "_data/.secret.yml": "x: 1\n",
        "_data/notes.txt": "not data",
    })
    assert load_data(root) == {
        "authors": {"mara": {"name": "Mara Quist", "orcid": "0000-0002-1825-0097"}},
        "links": {"github": "https://github.com/maraquist"},
        "talks": [{"year": "2019", "title": "Counting seabirds"},
                  {"year": "2021", "title": "Messy counts"}],
        "grants": [{"funder": "NERC", "year": "2020"}],
        "team": {"people": ["Ana", "Bo"]},
    }


def test_no_data_folder_is_empty_data(make_site) -> None:
    root = make_site({})
    assert load_data(root) == {} and data_files(root) == []


def test_bad_yaml_names_the_file_and_line(make_site) -> None:
    root = make_site({"_data/authors.yml": "mara:\n  name: Mara\n  bad: [unclosed\n"})
    with pytest.raises(ConfigError) as caught:
        load_data(root)
    assert caught.value.location.path == root / "_data" / "authors.yml"
    assert caught.value.location.line == 4
    assert caught.value.message.startswith("this data file is not valid YAML: ")


def test_bad_json_names_the_file_and_line(make_site) -> None:
    root = make_site({"_data/links.json": '{\n  "a": 1,\n}\n'})
    with pytest.raises(ConfigError) as caught:
        load_data(root)
    assert (caught.value.location.line, caught.value.message) == (
        3, "this data file is not valid JSON: Expecting property name enclosed in double "
           "quotes.")
