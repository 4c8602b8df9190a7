"""``build --explain`` (nbpress/explain.py): what would run and why, what would be removed.

No kernel: the fake executor from conftest stands in for nbpress.execute.execute.
"""

from __future__ import annotations

import io

from nbpress import cache
from nbpress.config import load_config
from nbpress.explain import explain_plans
from nbpress.pipeline import build

CODE = "---\ntitle: Code {n}\n---\nProse.\n\n```python\nprint({n})\n```\n"


def test_explain_names_each_post_and_each_cache_entry_no_post_uses(make_site, fake_executor
                                                                    ) -> None:
    root = make_site({f"posts/2024-01-0{n}-code{n}.md": CODE.format(n=n) for n in (1, 2, 3)})
    build(load_config(root), executor=fake_executor, log=io.StringIO())
    (root / "posts/2024-01-03-code3.md").unlink()  # its run stays in the cache, unused
    post = root / "posts/2024-01-02-code2.md"
    post.write_text(post.read_text().replace("print(2)", "print(22)"))
    config = load_config(root)
    from nbpress.discover import discover
    from nbpress.readers import read_post_notebook

    posts, _ = discover(config)
    plans = cache.plan([read_post_notebook(p)[0] for p in posts], config)
    log = io.StringIO()
    explain_plans(plans, config, log)
    lines = log.getvalue().splitlines()
    assert lines[0] == "posts/2024-01-02-code2.md: would execute: code changed"
    assert lines[1].startswith("posts/2024-01-01-code1.md: cached, up to date")
    assert lines[2:] and all(line.startswith("would remove _executed/2024-01-03-code3")
                             and line.endswith(" (no post uses it)") for line in lines[2:])
    assert (root / "_executed/2024-01-03-code3").is_dir()  # said, not done
