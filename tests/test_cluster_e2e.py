"""Building through a real Dask cluster: ``dask scheduler`` and two ``dask worker`` processes
(one offering ``GPU=1``) on 127.0.0.1, started here and stopped at the end.

The build is the real command line (``build.py --scheduler tcp://…``) in a process of its
own, so Ctrl-C is a real SIGINT and a killed worker is a real SIGKILL to its process group.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REPO, run_build

distributed = pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

pytestmark = [pytest.mark.dask, pytest.mark.kernel]

POSTS = {
    "pyproject.toml": '[tool.nbpress]\ntitle = "Notes on small models"\n',
    "posts/data/loss.csv": "epoch,loss\n1,0.93\n2,0.61\n3,0.47\n",
    "posts/2024-02-03-reading-the-loss-curve.md": """\
        ---
        title: Reading the loss curve
        tags: [training]
        ---

        The training log is a CSV file next to this post.

        ```python
        import csv
        with open("data/loss.csv") as f:
            rows = list(csv.DictReader(f))
        print(f"{len(rows)} epochs, final loss {rows[-1]['loss']}")
        ```
        """,
    "posts/2024-02-10-a-gpu-run.md": """\
        ---
        title: A run on the GPU box
        resources: {GPU: 1}
        ---

        This post asks for a GPU, so only the GPU worker may run it.

        ```python
        import math
        weights = [0.5, -1.25, 2.0]
        print("weight norm", round(math.sqrt(sum(w * w for w in weights)), 4))
        ```
        """,
    "posts/2024-02-17-plain-arithmetic.md": """\
        ---
        title: Plain arithmetic
        ---

        ```python
        total = sum(i * i for i in range(10))
        total
        ```

        The sum of the first ten squares is shown above.
        """,
}

SLOW = """\
    ---
    title: A long training run
    ---

    ```python
    import time
    print("epoch 1")
    time.sleep({seconds})
    print("done")
    ```
    """


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A scheduler and named workers, each a process group of its own."""

    def __init__(self, tmp: Path) -> None:
        self.address = f"tcp://127.0.0.1:{free_port()}"
        self.logs = tmp
        # One retry when a worker dies (Dask's default is 3): what nbpress documents.
        self.env = {**os.environ, "PYTHONPATH": str(REPO),
                    "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
        self.workers: dict[str, subprocess.Popen] = {}
        self.scheduler = self._spawn("scheduler", ["scheduler", "--host", "127.0.0.1", "--port",
                                                   self.address.rsplit(":", 1)[1],
                                                   "--no-dashboard"])

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        try:
            return subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_" + args[0],
                                     *args[1:]], env=self.env, stdout=log, stderr=log,
                                    start_new_session=True, cwd=self.logs)
        finally:
            log.close()

    def start_worker(self, name: str, *extra: str) -> None:
        self.workers[name] = self._spawn(name, ["worker", self.address, "--name", name,
                                                "--nthreads", "1", "--no-dashboard", *extra])
        self.wait_for(set(self.workers))

    def wait_for(self, names: set[str], timeout: float = 60) -> None:
        with distributed.Client(self.address, timeout=30) as client:
            deadline = time.monotonic() + timeout
            while {w["name"] for w in client.scheduler_info(n_workers=-1)["workers"].values()
                   } != names:
                assert time.monotonic() < deadline, f"workers {names} did not join"
                time.sleep(0.2)

    def kill_worker(self, name: str) -> None:
        process = self.workers.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def kernels(self) -> list:
        """Kernel processes (ipykernel, not zombies) under any worker."""
        found = []
        for process in self.workers.values():
            for child in psutil.Process(process.pid).children(recursive=True):
                try:
                    if child.status() != psutil.STATUS_ZOMBIE and \
                            "ipykernel" in " ".join(child.cmdline()):
                        found.append(child)
                except psutil.NoSuchProcess:
                    continue
        return found

    def stop(self) -> None:
        for process in [*self.workers.values(), self.scheduler]:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    found = Cluster(tmp_path_factory.mktemp("dask"))
    try:
        found.start_worker("cpu-worker")
        found.start_worker("gpu-worker", "--resources", "GPU=1")
        yield found
    finally:
        found.stop()


def pages(site: Path) -> dict[str, str]:
    """Every HTML page of the built site, the reproducibility aside (when and where the
    code ran) left out."""
    return {p.relative_to(site).as_posix(): re.sub(r'<aside class="repro".*?</aside>', "",
                                                   p.read_text(), flags=re.S)
            for p in sorted(site.rglob("*.html"))}


def repro(site: Path, page: str) -> str:
    return re.search(r'<aside class="repro".*?</aside>', (site / page).read_text(), re.S)[0]


@contextlib.contextmanager
def building(root: Path, cluster: Cluster):
    """The build in a process of its own, and its stderr lines gathered as they come;
    killed (if still running) and its pipe closed afterwards."""
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root),
                                "--scheduler", cluster.address], stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stderr), daemon=True)
    reader.start()
    try:
        yield process, lines
    finally:
        process.kill()
        process.wait()
        reader.join(timeout=10)
        process.stderr.close()


def wait_for_line(lines: list[str], pattern: str, timeout: float = 60) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in list(lines):
            if match := re.search(pattern, line):
                return match
        time.sleep(0.1)
    raise AssertionError(f"no line matching {pattern!r} in:\n" + "".join(lines))


def test_cluster_build_gives_the_local_pages_and_the_gpu_post_ran_on_the_gpu_worker(
        make_site, tmp_path, cluster):
    local = make_site(POSTS, tmp_path / "local")
    remote = make_site(POSTS, tmp_path / "remote")
    assert run_build("--root", str(local)).returncode == 0
    done = run_build("--root", str(remote), "--scheduler", cluster.address)
    assert done.returncode == 0, done.stderr
    assert f"on the Dask cluster at {cluster.address} (2 workers)" in done.stderr
    assert "on the Dask worker gpu-worker (host " in done.stderr
    assert pages(remote / "_site") == pages(local / "_site")
    gpu_page = "2024/02/10/a-gpu-run.html"
    assert f"on <span class=\"ran-on\">the Dask worker gpu-worker on host " \
           f"{socket.gethostname()}</span>" in repro(remote / "_site", gpu_page)
    assert "ran-on" not in repro(local / "_site", gpu_page)
    # The data file the post read on the worker is tracked relative to the site root.
    record = (remote / "_executed/2024-02-03-reading-the-loss-curve/record.json").read_text()
    assert '"posts/data/loss.csv"' in record
    # The next build uses the cache: nothing runs, on the cluster or here.
    again = run_build("--root", str(remote), "--scheduler", cluster.address)
    assert again.returncode == 0 and "up to date" in again.stderr


def test_an_unknown_resource_fails_before_anything_runs(make_site, tmp_path, cluster):
    root = make_site({**POSTS, "posts/2024-03-01-tpu.md": """\
        ---
        title: Needs a TPU
        resources:
          TPU: 1
        ---

        ```python
        print("never")
        ```
        """}, tmp_path / "tpu")
    done = run_build("--root", str(root), "--scheduler", cluster.address)
    assert done.returncode == 1
    assert (f"{root}/posts/2024-03-01-tpu.md:3: 'resources:' asks for TPU=1, but no worker of "
            f"the Dask cluster at {cluster.address} offers it (its 2 worker(s) offer: GPU=1). "
            "Start a worker that has it") in done.stderr
    assert not (root / "_executed").exists() and not (root / "_site").exists()


def test_a_worker_killed_mid_post_loses_nothing(make_site, tmp_path, cluster):
    # No GPU post here: were the GPU worker the one killed, it would wait for another.
    posts = {k: v for k, v in POSTS.items() if "gpu" not in k}
    root = make_site({**posts, "posts/2024-03-05-long-run.md": SLOW.format(seconds=6)},
                     tmp_path / "killed")
    with building(root, cluster) as (process, lines):
        victim = wait_for_line(lines, r"long-run\.md.*on the Dask worker (\S+)")[1]
        time.sleep(1)  # inside the cell
        cluster.kill_worker(victim)
        try:
            assert process.wait(timeout=120) == 0, "".join(lines)
        finally:
            cluster.start_worker(victim, *(["--resources", "GPU=1"] if victim == "gpu-worker"
                                       else []))
    survivor = ({"cpu-worker", "gpu-worker"} - {victim}).pop()
    assert f"the Dask worker {survivor} on host" in repro(root / "_site",
                                                          "2024/03/05/long-run.html")
    assert "epoch 1" in (root / "_site/2024/03/05/long-run.html").read_text()
    assert len(list((root / "_executed").glob("2024-*"))) == 3


def test_a_gpu_post_whose_only_gpu_worker_died_waits_for_one_and_says_so(make_site, tmp_path,
                                                                          cluster):
    root = make_site({"posts/2024-03-09-gpu-training.md": SLOW.format(seconds=4).replace(
        "title: A long training run", "title: Training on the GPU\n    resources: {GPU: 1}")},
        tmp_path / "stranded")
    with building(root, cluster) as (process, lines):
        wait_for_line(lines, r"gpu-training\.md.*on the Dask worker gpu-worker")
        time.sleep(1)  # inside the cell
        cluster.kill_worker("gpu-worker")
        wait_for_line(lines, r"gpu-training\.md waits for a worker offering GPU=1: none of the "
                             r"cluster's workers offers it now \(did one die\?\)", timeout=30)
        cluster.start_worker("gpu-worker", "--resources", "GPU=1")  # as Slurm would
        assert process.wait(timeout=120) == 0, "".join(lines)
    assert "the Dask worker gpu-worker on host" in repro(root / "_site",
                                                         "2024/03/09/gpu-training.html")


def test_ctrl_c_during_a_cluster_build_leaves_no_kernel_on_the_workers(make_site, tmp_path,
                                                                       cluster):
    root = make_site({"posts/2024-04-01-long-run.md": SLOW.format(seconds=300),
                      "posts/2024-04-02-longer-run.md": SLOW.format(seconds=300)},
                     tmp_path / "interrupted")
    with building(root, cluster) as (process, lines):
        wait_for_line(lines, r"longer-run\.md.*on the Dask worker")
        wait_for_line(lines, r"long-run\.md.*on the Dask worker")
        deadline = time.monotonic() + 60
        while len(cluster.kernels()) < 2:  # both kernels started, on their workers
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 130, "".join(lines)
        assert cluster.kernels() == []
    assert "interrupted; the previous site was left as it was" in "".join(lines)
    assert not (root / "_site").exists() and not list(root.glob("_executed/2024-*"))


def test_an_unreachable_scheduler_is_a_clear_error_within_the_timeout(make_site, tmp_path):
    root = make_site(POSTS, tmp_path / "nowhere")
    address = f"tcp://127.0.0.1:{free_port()}"
    start = time.monotonic()
    done = run_build("--root", str(root), "--scheduler", address)
    assert done.returncode == 1 and time.monotonic() - start < 60
    assert f"error: could not reach the Dask scheduler at {address} within 10 s" in done.stderr
    assert "Traceback" not in done.stderr


def test_without_dask_scheduler_says_how_to_install_it(make_site, tmp_path):
    root = make_site(POSTS, tmp_path / "nodask")
    # A folder that shadows the installed package with one that cannot be imported.
    blocker = tmp_path / "blocker" / "distributed"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('not installed here')\n")
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root),
                           "--scheduler", "local:2"], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(blocker.parent)}, timeout=120)
    assert done.returncode == 1
    assert 'error: --scheduler runs the posts on a Dask cluster, but Dask is not installed. ' \
           'Install it with `pip install "nbpress[dask]"`' in done.stderr
    shutil.rmtree(blocker.parent)
