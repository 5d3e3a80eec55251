"""Refresh the CloudFormation resource schemas the harness ships (a developer's command).

    python -m harness.stack.schema_refresh          # rewrite harness/stack/schemas/ from cfn-lint
    python -m harness.stack.schema_refresh --check  # exit 1 if the shipped copies differ

The harness validates the Cognito resources of a template against CloudFormation's registry
schemas (``harness.stack.schema``). It ships byte-for-byte copies of the schemas that the
installed cfn-lint (the dev extra pins it) bundles in ``cfnlint/data/schemas``: ``providers/
<region>.json`` maps each resource type to a schema file ``resources/<hash>.json``. The copies
need cfn-lint only here, never at run time; ``tests/harness/stack/test_schema_validator.py``
fails when they drift from the pinned cfn-lint.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
from pathlib import Path
from typing import Any

from harness.stack.schema import SCHEMA_DIR, VALIDATED_TYPES, schema_file_name

INDEX = "index.json"


def _cfnlint_data() -> Path:
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or spec.origin is None:
        raise SystemExit("cfn-lint is not installed: pip install -e '.[dev]'")
    return Path(spec.origin).parent / "data" / "schemas"


def pinned() -> dict[str, bytes]:
    """The files ``harness/stack/schemas/`` should hold, from the installed cfn-lint."""
    data = _cfnlint_data()
    regions: dict[str, dict[str, list[str]]] = {name: {} for name in VALIDATED_TYPES}
    for provider in sorted((data / "providers").glob("*.json")):
        if provider.stem == "sam":
            continue
        hashes = json.loads(provider.read_text(encoding="utf-8"))
        for name in VALIDATED_TYPES:
            if name in hashes:
                regions[name].setdefault(hashes[name], []).append(provider.stem)
    files: dict[str, bytes] = {}
    types: dict[str, Any] = {}
    for name in sorted(VALIDATED_TYPES):
        if len(regions[name]) != 1:
            # harness.stack.schema validates every region with one schema per type.
            raise SystemExit(f"{name}: cfn-lint has {len(regions[name])} schemas across regions")
        ((digest, where),) = regions[name].items()
        files[schema_file_name(name)] = (data / "resources" / f"{digest}.json").read_bytes()
        types[name] = {"file": schema_file_name(name), "cfn-lint hash": digest, "regions": where}
    version = json.loads((data / "version.json").read_text(encoding="utf-8"))
    index = {
        "source": "cfn-lint's bundled CloudFormation registry schemas (cfnlint/data/schemas)",
        "cfn-lint": importlib.metadata.version("cfn-lint"),
        "schema_date": version["schema_date"],
        "license": "MIT-0",
        "types": types,
    }
    files[INDEX] = (json.dumps(index, indent=1, sort_keys=True) + "\n").encode()
    return files


def shipped() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(SCHEMA_DIR.glob("*.json"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on drift")
    args = parser.parse_args(argv)
    want, have = pinned(), shipped()
    drift = sorted(name for name in want.keys() | have.keys() if want.get(name) != have.get(name))
    if args.check:
        for name in drift:
            print(f"{SCHEMA_DIR / name}: differs from the installed cfn-lint's")
        return 1 if drift else 0
    for name in have.keys() - want.keys():
        (SCHEMA_DIR / name).unlink()
    for name, content in want.items():
        (SCHEMA_DIR / name).write_bytes(content)
    print(f"{len(drift)} of {len(want)} files in {SCHEMA_DIR} refreshed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
