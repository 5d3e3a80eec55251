"""The ``harness`` console script and ``python -m harness``: the command line of
:mod:`harness.cli`, with the garbage collector held off while the command starts
(:mod:`harness.startup`)."""

from __future__ import annotations

from harness import startup


def main() -> None:
    startup.hold()  # before any heavy import: see harness.startup
    from harness.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
