"""The `harness` command line: a thin layer over the library API."""

from __future__ import annotations

import click


@click.group()
@click.version_option(package_name="cognito-trigger-harness")
def main() -> None:
    """Develop and replay Amazon Cognito user-pool triggers locally."""
