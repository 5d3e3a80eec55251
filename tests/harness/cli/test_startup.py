"""The console script holds the garbage collector off while a command starts and, once the
first pool is built, freezes what start-up made and collects again (harness/startup.py); a
process that only imports the harness keeps its own collector settings."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from harness import startup
from harness.emulator import Emulator
from harness.stack import load_stack
from tests.support.paths import ROOT

NOOP = ROOT / "bench" / "noop" / "template.yaml"

# Runs the console script's entry in a fresh interpreter and reports the collector's state at
# each step: while the command starts, once the pool is built, and at the end.
PROBE = """
import atexit, gc, json, sys
import harness.emulator.pool as pool
seen = {}
start = pool.Emulator.start
def probe(self, *a, **k):
    seen["before_build"] = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
    start(self, *a, **k)
    seen["after_build"] = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
pool.Emulator.start = probe
atexit.register(lambda: print(json.dumps(seen), file=sys.stderr))
sys.argv = ["harness", *sys.argv[1:]]
from harness.__main__ import main
main()
"""


def _states(tmp_path: Path, *argv: str) -> dict[str, dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_replay_starts_without_the_collector_and_collects_once_the_pool_is_built(
    tmp_path: Path,
) -> None:
    calls = tmp_path / "one.json"
    calls.write_text(
        json.dumps(
            {
                "calls": [
                    {
                        "operation": "AdminInitiateAuth",
                        "request": {
                            "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                            "AuthParameters": {"USERNAME": "nobody", "PASSWORD": "x"},
                        },
                    }
                ]
            }
        )
    )
    states = _states(tmp_path, "replay", str(calls), "--template", str(NOOP))
    assert states["before_build"] == {"enabled": False, "frozen": 0}
    after = states["after_build"]
    assert after["enabled"] is True
    assert isinstance(after["frozen"], int)
    assert after["frozen"] > 100_000


def test_the_console_script_is_the_entry_that_holds_the_collector() -> None:
    (script,) = entry_points(group="console_scripts", name="harness")
    assert script.value == "harness.__main__:main"


def test_python_dash_m_harness_runs_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "harness", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "replay" in done.stdout


def test_an_emulator_in_a_process_that_did_not_hold_leaves_its_collector_alone() -> None:
    # A test process (like this one) or a user's program: no freeze, the collector untouched.
    assert not startup.held()
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    with Emulator(load_stack(NOOP)):
        pass
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, enabled)


def test_ready_releases_what_hold_held_once() -> None:
    assert gc.isenabled()
    try:
        startup.hold()
        assert startup.held()
        assert not gc.isenabled()
        startup.ready()
        assert not startup.held()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        gc.unfreeze()
        startup.ready()  # a second pool: nothing more to release
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        gc.enable()
