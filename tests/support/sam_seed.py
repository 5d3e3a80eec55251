"""A fresh copy of the project given the dependencies of the project's own ``sam build``.

``samconfig.toml`` builds with ``cached = true``: for Python functions SAM then keeps each build
definition's installed ``requirements.txt`` in ``.aws-sam/deps/<uuid>/`` and the hash of the
manifest in ``.aws-sam/build.toml``, and a later ``sam build`` whose manifest hash matches
copies them instead of running pip (``samcli/lib/build/build_strategy.py``,
``IncrementalBuildStrategy``): what a user's second ``sam build`` does. Seeding a copy with the
checkout's ``build.toml`` (its absolute CodeUri paths moved to the copy) and ``deps/`` makes
the copy's ``sam build`` take that path: SAM's own command, run as written, that skips pip's
download (~10 s of CPU per build). SAM still decides: if the copy's requirements differ from the
seed's, the hash differs and it installs them as on a first build.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.invokers.build import _build_lock, build_dir, ensure_built
from harness.stack import load_stack
from tests.support.paths import ROOT, TEMPLATE

#: A memory file system (tmpfs), where the machine has one.
MEMORY = Path("/dev/shm")


@contextmanager
def build_space(fallback: Path) -> Iterator[Path]:
    """A folder for a copy of the project that ``sam build`` will build, removed afterwards.

    In memory when the machine has a tmpfs: the build writes ~380 MB in ~24,000 files (the
    triggers' dependencies once per function: six times), which on a disk file system that
    other work keeps busy costs from 1 to 12 s of kernel time (measured here), in memory under
    2 s. Else ``fallback`` (the test's ``tmp_path``)."""
    if not _roomy(MEMORY):
        yield fallback
        return
    with tempfile.TemporaryDirectory(dir=MEMORY, prefix="readme-build-") as folder:
        yield Path(folder)


def _roomy(folder: Path) -> bool:
    """Whether ``folder`` is writable with room for two builds at once (a container's /dev/shm
    is 64 MB by default: too small)."""
    try:
        space = os.statvfs(folder)
    except OSError:
        return False
    return os.access(folder, os.W_OK | os.X_OK) and space.f_bavail * space.f_frsize > 2 << 30


def ensure_project_build() -> Path:
    """The checkout's ``.aws-sam``, built if missing or stale (CI's ``sam build`` step builds it
    on the fresh clone; the rie tests use the same build). The harness's build lock keeps
    pytest-xdist's workers from building it twice."""
    ensure_built(TEMPLATE, load_stack(TEMPLATE).functions.values(), announce=lambda line: None)
    return build_dir(TEMPLATE).parent


def seed_with_project_build(copy: Path, sam: Path) -> None:
    """Give ``copy`` (a fresh copy of the project's files) the build definitions and installed
    dependencies of ``sam`` (:func:`ensure_project_build`), as ``.aws-sam/build.toml`` and
    ``.aws-sam/deps/``."""
    if not (sam / "build.toml").is_file() or not (sam / "deps").is_dir():
        return  # built without SAM's cache (--no-cached): the copy builds from nothing
    target = copy / ".aws-sam"
    target.mkdir()
    with _build_lock(build_dir(TEMPLATE)):  # not while another worker rebuilds it
        definitions = (sam / "build.toml").read_text(encoding="utf-8")
        for quote in ('"', "/"):  # codeuri = "<ROOT>/triggers", and the root itself
            definitions = definitions.replace(f'"{ROOT}{quote}', f'"{copy}{quote}')
        (target / "build.toml").write_text(definitions, encoding="utf-8")
        # Hard links: a tenth of the copy's time; SAM only reads the seed (a changed manifest
        # makes it unlink the copy's files and install new ones, never write into them).
        shutil.copytree(sam / "deps", target / "deps", symlinks=True, copy_function=_link)


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)
