"""Show a torch post running on a GPU through a Dask worker (needs a GPU, torch, nbpress[dask]).

    python bench/gpu_dask.py              # on a machine with an NVIDIA GPU
    python bench/gpu_dask.py --allow-cpu  # the same plumbing where there is none (no GPU line)

Starts ``dask scheduler`` and one ``dask worker --resources GPU=1`` on 127.0.0.1, writes a
small site whose post asks for ``resources: {GPU: 1}`` and trains a tiny model with torch on
``cuda``, builds it with ``--scheduler``, and prints the page's reproducibility line, which
names the worker and the GPU model.  Everything is stopped and removed at the end.  CI never
needs it; it is the one check that a GPU is really used through the cluster.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

POST = """\
---
title: Fitting a line on the GPU
resources: {{GPU: 1}}
---

A tiny regression, trained where the cluster puts GPU posts.

```python
import torch
device = "cuda" if torch.cuda.is_available() else "{fallback}"
x = torch.linspace(-1, 1, 4096, device=device).unsqueeze(1)
y = 3 * x + 0.5 + 0.05 * torch.randn_like(x)
model = torch.nn.Linear(1, 1).to(device)
opt = torch.optim.SGD(model.parameters(), lr=0.5)
for step in range(200):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
print(f"on {{device}}: weight {{model.weight.item():.2f}}, bias {{model.bias.item():.2f}}")
```
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def spawn(args: list[str], log: Path) -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", *args], stdout=out, stderr=out,
                                start_new_session=True, env={**os.environ,
                                                             "PYTHONPATH": str(REPO)})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allow-cpu", action="store_true",
                        help="run the post on the CPU when there is no GPU (plumbing only)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nbpress-gpu-"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [spawn(["distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port",
                        str(port), "--no-dashboard"], work / "scheduler.log")]
    time.sleep(2)
    processes.append(spawn(["distributed.cli.dask_worker", address, "--name", "gpu-worker",
                            "--nthreads", "1", "--resources", "GPU=1", "--no-dashboard"],
                           work / "worker.log"))
    try:
        site = work / "site"
        (site / "posts").mkdir(parents=True)
        (site / "pyproject.toml").write_text('[tool.nbpress]\ntitle = "GPU check"\n')
        (site / "posts/2026-01-01-gpu-line.md").write_text(
            POST.format(fallback="cpu" if args.allow_cpu else "cuda"))
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(site),
                               "--scheduler", address], capture_output=True, text=True,
                              timeout=900)
        print(done.stderr)
        if done.returncode:
            return done.returncode
        page = (site / "_site/2026/01/01/gpu-line.html").read_text()
        line = re.sub(r"<[^>]+>|\s+", " ", re.search(r'<aside class="repro".*?</p>', page,
                                                      re.S)[0]).strip()
        output = re.search(r'<pre class="output stdout">(.*?)</pre>', page, re.S)[1]
        print(f"built in {time.perf_counter() - start:.1f} s\noutput: {output}\npage: {line}")
        gpu = re.search(r"the Dask worker gpu-worker on host \S+ \(([^)]+)\)", line)
        print(f"GPU named on the page: {gpu[1] if gpu else 'none'}")
        return 0 if gpu or args.allow_cpu else 1
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    sys.exit(main())
