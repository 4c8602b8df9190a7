"""nbpress's Liquid against real Jekyll: the same template text, the same variables, data and
include, built by ``jekyll build`` and rendered by ``nbpress.liquid.resolve``, line by line.

Needs Debian's ``jekyll`` (CI installs it); skipped without it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from nbpress.liquid import resolve

pytestmark = [
    pytest.mark.jekyll,
    pytest.mark.skipif(shutil.which("jekyll") is None,
                       reason="the jekyll binary is not installed (apt-get install jekyll)"),
]

CONFIG = 'baseurl: "/blog"\nurl: "https://example.org"\ntitle: "My blog"\ntimezone: UTC\n'
TALKS = """\
- {title: "Kernels at scale", topic: hpc, year: 2019}
- {title: "Dropout, revisited", topic: ml, year: 2021}
- {title: "Notebooks in CI", topic: tooling}
- {title: "Bayesian optimisation", topic: ml, year: 2017}
"""
NOTE = '<div class="note">{{ include.kind | default: "Note" }}: {{ include.text }}</div>\n'
FRONT_MATTER = """\
layout: null
title: "Training a CNN: Part 2!"
date: 2024-03-09 14:30:00 +0000
summary: "We train a *small* network on MNIST in ten minutes."
odd: "Tom & Jerry's <\\"cats\\">"
tags: [deep learning, pytorch]
"""
# One Liquid expression per line, each a form Jekyll blogs use.
PROBES = """\
{{ page.date | date: "%B %Y" }}
{{ page.date | date: "%b %-d, %Y" }}
{{ page.date | date_to_xmlschema }}
{{ page.date | date_to_rfc822 }}
{{ page.date | date_to_string }}
{{ page.date | date_to_string: "ordinal", "US" }}
{{ page.date | date_to_long_string }}
{{ page.date | date_to_long_string: "ordinal" }}
{{ "/assets/a.png" | relative_url }} {{ "feed.xml" | absolute_url }}
{{ page.odd | xml_escape }}
{{ page.tags | jsonify }} {{ site.data.talks[1] | jsonify }}
{{ page.title | slugify }} {{ "Snake_case and CamelCase!" | slugify }}
{{ "Über_alles 2.0" | slugify: "pretty" }} {{ "Über alles" | slugify: "latin" }}
{{ "Snake_case ÜBER" | slugify: "ascii" }} {{ "Snake_case Über!" | slugify: "raw" }}
{{ page.summary | number_of_words }}
{{ page.summary | markdownify | strip }}
{% assign ml = site.data.talks | where: "topic", "ml" %}{% for t in ml %}{{ t.title }};{% endfor %}
{{ site.data.talks | where: "year", 2021 | size }} {{ site.data.talks | where: "year", "2021" | size }}
{% assign old = site.data.talks | where_exp: "t", "t.year < 2020" %}{{ old | map: "title" | join: ";" }}
{% assign g = site.data.talks | group_by: "topic" %}{% for x in g %}{{ x.name }}={{ x.size }} {% endfor %}
{% assign by = site.data.talks | group_by_exp: "t", "t.topic | upcase" %}{% for x in by %}{{ x.name }}:{{ x.size }} {% endfor %}
{% assign s = site.data.talks | sort: "year", "last" %}{% for t in s %}{{ t.year | default: "-" }},{% endfor %}
{{ page.tags | array_to_sentence_string }} {{ site.data.talks | map: "topic" | array_to_sentence_string: "or" }}
{{ "Training & testing?" | cgi_escape }} {{ "/notes/my post?x=1" | uri_escape }}
{{ "  a wrapped   title " | normalize_whitespace }}
{{ page.tags | push: "jax" | shift | unshift: "ml" | pop | join: "," }}
{{ page.tags }}
{% include note.html kind="Warning" text="Needs a GPU." %}
"""


def test_filters_and_include_render_as_jekyll_renders_them(tmp_path: Path) -> None:
    source = tmp_path / "jekyll"
    (source / "_includes").mkdir(parents=True)
    (source / "_data").mkdir()
    (source / "_config.yml").write_text(CONFIG)
    (source / "_data/talks.yml").write_text(TALKS)
    (source / "_includes/note.html").write_text(NOTE)
    (source / "probe.html").write_text(f"---\n{FRONT_MATTER}---\n{PROBES}")
    done = subprocess.run(["jekyll", "build", "-s", str(source), "-d", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    page = {**yaml.safe_load(FRONT_MATTER), "date": "2024-03-09 14:30:00 +0000"}
    site = {**yaml.safe_load(CONFIG), "data": {"talks": yaml.safe_load(TALKS)}}
    ours = resolve(PROBES, site=site, page=page, links={}, path=source / "probe.html",
                   line_offset=9, includes=source / "_includes")
    jekyll = (tmp_path / "out/probe.html").read_text()
    assert ours.splitlines() == jekyll.splitlines()
