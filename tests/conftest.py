"""Shared test helpers: small sites written inline, the real command line, the one HTML parser
the tests read pages with, and a fake executor that gives posts outputs without a kernel."""

from __future__ import annotations

import base64
import copy
import inspect
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import lxml.html
import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = Path(__file__).resolve().parent / "fixtures" / "site"


@pytest.fixture
def make_site(tmp_path):
    """``make_site({"posts/2024-01-01-a.md": text, ...})`` → the site root (texts dedented)."""

    def make(files: dict[str, str | bytes], root: Path | None = None) -> Path:
        root = root or tmp_path / "site"
        (root / "posts").mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return root

    return make


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty site (its ``posts/`` folder made) as the working folder, so messages name
    files as ``posts/…``."""
    site = tmp_path / "site"
    (site / "posts").mkdir(parents=True)
    monkeypatch.chdir(site)
    return site


def run_build(*args: str, cwd: Path | None = None, timeout: int = 300
              ) -> subprocess.CompletedProcess:
    """``python build.py ARGS`` as a user runs it; returns the finished process."""
    return subprocess.run([sys.executable, str(REPO / "build.py"), *args], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def build():
    return run_build


# --- reading HTML ----------------------------------------------------------------------------

class Element(dict):
    """One element: its attributes as written (a dict), its tag, text and ancestors."""

    def __init__(self, node: lxml.html.HtmlElement) -> None:
        super().__init__(node.attrib)
        self.node = node
        self.tag: str = node.tag

    @property
    def text(self) -> str:
        """Its text with whitespace runs made single spaces."""
        return " ".join(self.node.text_content().split())

    @property
    def ancestors(self) -> list[str]:
        """Tags of the elements it is inside, nearest first."""
        return [a.tag for a in self.node.iterancestors()]


class Page:
    """A built page or an HTML fragment, parsed once with lxml's HTML parser (libxml2).

    ``errors`` holds what the parser had to repair (an end tag that closes nothing, tags
    closed out of order), so a test can require well-formed output.
    """

    # Attributes holding space-separated tokens: a test may ask for one of them.
    TOKEN_LISTS = {"class", "rel"}
    # Attributes holding a URL.
    URL_ATTRIBUTES = ("href", "src", "poster", "action")

    def __init__(self, text: str) -> None:
        parser = lxml.html.HTMLParser()
        self.root = lxml.html.document_fromstring(text, parser=parser)
        self.errors = [f"line {e.line}: {e.message}" for e in parser.error_log]
        # Comments and processing instructions are nodes too, but have no tag name.
        self.elements = [Element(node) for node in self.root.iter() if isinstance(node.tag, str)]

    @classmethod
    def read(cls, path: Path) -> Page:
        return cls(path.read_text(encoding="utf-8"))

    def all(self, tag: str = "*", *, inside: str | None = None, **attrs: str) -> list[Element]:
        """Elements (``*``: any) whose attributes match, optionally inside a ``inside`` element.

        ``class_="x"`` stands for ``class``, ``aria_label`` for ``aria-label``; a ``class`` or
        ``rel`` matches any one of its tokens, other attributes match whole.
        """
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}

        def matches(element: Element) -> bool:
            for name, value in wanted.items():
                actual = element.get(name)
                if actual != value and not (name in self.TOKEN_LISTS and actual is not None
                                            and value in actual.split()):
                    return False
            return inside is None or inside in element.ancestors

        return [e for e in self.elements if tag in ("*", e.tag) and matches(e)]

    def meta(self, key: str) -> str | None:
        """The content of ``<meta property=key>`` or ``<meta name=key>``; None without one."""
        for element in self.all("meta"):
            if key in (element.get("property"), element.get("name")):
                return element.get("content")
        return None

    def json_ld(self) -> dict:
        """The page's one JSON-LD object."""
        (script,) = self.all("script", type="application/ld+json")
        return json.loads(script.node.text)

    @property
    def plain(self) -> str:
        """The text a reader sees in the body (no scripts or styles), whitespace collapsed."""
        texts = self.root.xpath("//body//text()[not(ancestor::script or ancestor::style)]")
        return " ".join("".join(texts).split())

    @property
    def ids(self) -> list[str]:
        """Every id, in order, repeats included (so a test can count them)."""
        return [e["id"] for e in self.elements if "id" in e]

    @property
    def hrefs(self) -> list[str]:
        return [a["href"] for a in self.all("a") if "href" in a]

    @property
    def imgs(self) -> list[Element]:
        return self.all("img")

    @property
    def urls(self) -> list[tuple[str, str, str]]:
        """(tag, attribute, URL) of every link, source, poster and form action."""
        return [(e.tag, name, e[name]) for e in self.elements for name in self.URL_ATTRIBUTES
                if name in e]


# --- a site built without kernels --------------------------------------------------------------

def png_bytes(width: int = 640, height: int = 320) -> bytes:
    """A real PNG (a colour gradient), small enough to write by hand."""
    rows = b"".join(b"\x00" + b"".join(bytes((x * 255 // width, y * 255 // height, 160))
                                        for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


FAKE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="400pt" height="150pt" '
            'viewBox="0 0 400 150"><rect width="400" height="150" fill="white"/>'
            '<circle cx="75" cy="75" r="60" fill="#c33"/>'
            '<text x="160" y="85" font-size="24">fake svg</text></svg>')
FAKE_PACKAGES = {"numpy": "2.4.6", "matplotlib": "3.11.2", "pyzmq": "27.3.0",
                 "traitlets": "5.14.3"}


def fake_execute(doc, config, *, threads=None, on_cell=None, kernels=None):
    """Stands in for ``nbpress.execute.execute`` without a kernel: ``fake_png()`` and
    ``fake_svg()`` cells show an image, other code cells print which cell they are."""
    import nbformat

    from nbpress.model import ExecResult

    nb = copy.deepcopy(doc.notebook)
    code = [c for c in nb.cells if c.cell_type == "code"]
    for n, cell in enumerate(code):
        if on_cell is not None:
            on_cell(n + 1, len(code))
        if "fake_png()" in cell.source:
            data = {"image/png": base64.b64encode(png_bytes()).decode(),
                    "text/plain": "<Figure size 640x320 with 1 Axes>"}
            cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
        elif "fake_svg()" in cell.source:
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "image/svg+xml": FAKE_SVG, "text/plain": "<IPython.core.display.SVG object>"})]
        else:
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"ran cell {n}\n")]
        cell.execution_count = n + 1
    return ExecResult(doc=doc, notebook=nb, seconds=12.5, executed_at="2024-02-10T09:30:00+00:00",
                      python="3.11.7", packages=dict(FAKE_PACKAGES), main_packages=("numpy",))


@pytest.fixture(scope="session")
def fake_executor():
    """``fake_execute``, after checking it still takes what the real executor takes."""
    from nbpress.execute import execute

    real, fake = inspect.signature(execute), inspect.signature(fake_execute)
    assert list(real.parameters) == list(fake.parameters), \
        f"nbpress.execute.execute{real} changed: update fake_execute{fake} in tests/conftest.py"
    return fake_execute


def _build_fixture_site(where: Path, executor, pyproject: str | None = None,
                        posts: dict[str, str] | None = None) -> Path:
    """Copy tests/fixtures/site to ``where``, build it with the fake executor; return ``_site``."""
    from nbpress.config import load_config
    from nbpress.pipeline import build

    root = where / "site"
    shutil.copytree(FIXTURE_SITE, root)
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for name, text in (posts or {}).items():
        (root / "posts" / name).write_text(text, encoding="utf-8")
    build(load_config(root), executor=executor, log=io.StringIO())
    return root / "_site"


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory, fake_executor) -> Path:
    """tests/fixtures/site built once with the fake executor (its ``_site``); read, never change."""
    return _build_fixture_site(tmp_path_factory.mktemp("fixture-site"), fake_executor)


@pytest.fixture
def build_fixture_site(tmp_path, fake_executor):
    """``build_fixture_site(pyproject=None, posts={name: text})`` → ``_site`` of a changed copy."""

    def make(pyproject: str | None = None, posts: dict[str, str] | None = None) -> Path:
        return _build_fixture_site(tmp_path, fake_executor, pyproject, posts)

    return make


# --- more Jupyter kernels -----------------------------------------------------------------------

@pytest.fixture
def extra_kernels(tmp_path_factory, monkeypatch) -> Path:
    """Two more installed kernels, seen through JUPYTER_PATH (by this process and the builds it
    starts): ``py-second`` (another Python kernelspec) and ``bash`` (bash_kernel from PyPI)."""
    where = tmp_path_factory.mktemp("jupyter")
    specs = {
        "py-second": {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f",
                               "{connection_file}"],
                      "display_name": "Python (second)", "language": "python"},
        "bash": {"argv": [sys.executable, "-m", "bash_kernel", "-f", "{connection_file}"],
                 "display_name": "Bash", "language": "bash", "env": {"PS1": "$"}},
    }
    for name, spec in specs.items():
        folder = where / "kernels" / name
        folder.mkdir(parents=True)
        (folder / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(where))
    return where


# --- GitHub Pages workflows ---------------------------------------------------------------------

def pages_workflow_runs(path: Path) -> list[str]:
    """Check a GitHub Pages workflow's shape (triggers, permissions, a build from the cache
    with ``--execute never`` before the upload, the deploy job); return its build commands."""
    import yaml

    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build_steps = workflow["jobs"]["build"]["steps"]
    runs = [step.get("run", "").strip() for step in build_steps]
    uses = [step.get("uses", "") for step in build_steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    upload = next(s for s in build_steps if s.get("uses", "").startswith(
        "actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_site"
    assert uses.index(upload["uses"]) > runs.index("nbpress build --execute never")
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert "--execute always" not in "\n".join(runs)
    return runs


def run_workflow_step(run: str, where: Path) -> str:
    """Run a workflow step's ``run`` script with bash in ``where``, as the runner does;
    return what it wrote to $GITHUB_OUTPUT."""
    output = where / "github_output"
    output.write_text("")
    result = subprocess.run(["bash", "-e", "-c", run], cwd=where, capture_output=True, text=True,
                            env={**os.environ, "GITHUB_OUTPUT": str(output)}, timeout=60)
    assert result.returncode == 0, result.stderr
    return output.read_text()


def built_with_warnings(root: Path, *args: str) -> list[str]:
    """Build ``root`` from its own folder (messages name ``posts/…``); assert it succeeded;
    the warning lines it printed."""
    result = run_build("build", "--root", ".", *args, cwd=root)
    assert result.returncode == 0, result.stderr
    return [line for line in result.stderr.splitlines() if "warning:" in line]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium for one test module (skipped where it is not installed)."""
    from served import chromium

    with chromium() as launched:
        yield launched


def nbpress_traceback(stderr: str) -> bool:
    """True if Python printed a traceback of nbpress itself.

    A user's cell traceback (shown as the detail of an execution error) is
    IPython's, whose header line starts with the exception name, never with
    "Traceback"; an uncaught exception's starts the line.
    """
    return any(line.startswith("Traceback (most recent call last)")
               for line in stderr.splitlines()) or bool(re.search(r'File ".*nbpress/', stderr))


def b64(data: bytes) -> str:
    """Bytes as a notebook stores an image output."""
    return base64.b64encode(data).decode()
