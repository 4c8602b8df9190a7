"""The no-op check: nothing a build reads changed since the last build into the same folder.

Standard library and nbpress's light modules only: a build with nothing to do
stops here, before any stage (or the pipeline itself) is imported.
"""

from __future__ import annotations

import time

from . import __version__, state
from .model import BuildReport, SiteConfig
from .sitedata import data_files
from .sourcefiles import candidate_files


def site_inputs(config: SiteConfig) -> list:
    """Files a build reads beyond posts/, bibliographies and the theme: pages, data files,
    static files."""
    from .errors import ConfigError
    from .staticfiles import static_sources

    try:
        static = list(static_sources(config).values()) if config.static else []
    except ConfigError:  # the build says so
        static = [config.root / "pyproject.toml"]
    return [*candidate_files(config), *data_files(config.root), *filter(None, [config.csl]),
            *static]


def fingerprint(config: SiteConfig) -> str:
    """The fingerprint of every input and of the settings that change the output."""
    options = {"version": __version__, "out": str(config.out), "drafts": config.drafts,
               "baseurl": config.baseurl, "format": config.output_format,
               "future": config.future}
    return state.input_fingerprint(config.root, config.theme_dirs, options,
                                   extra=site_inputs(config))


def up_to_date(config: SiteConfig, found: str | None = None) -> BuildReport | None:
    """The report of a build with nothing to do, or None when something must be done
    (an input changed, or the settings ask to run or refresh posts).  ``found``: the
    fingerprint, when the caller has it."""
    start = time.perf_counter()
    if config.mode == "always" or config.refresh:
        return None
    state_file = state.state_path(config.root, config.out)
    previous = state.load(state_file, posts=False)
    if not previous.up_to_date(found or fingerprint(config), config.root, config.out) \
            or not state.files_present(state_file, config.out):
        return None
    return BuildReport(posts=state.post_names(state_file), warnings=(),
                       seconds=time.perf_counter() - start, up_to_date=True)


__all__ = ["fingerprint", "site_inputs", "up_to_date"]
