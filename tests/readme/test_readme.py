"""The README as a tested document: every command block runs as written, from a clean state.

Each ``sh`` block of the README carries a ``<!-- readme-test: KIND -->`` line (a new block
without one fails :func:`test_every_command_block_is_marked_and_known`):

* ``run``: each command runs with bash in a fresh copy of the project's files, in order; its
  exit status and a line of its output are the ones in :data:`EXPECT`. A block that builds
  gets the checkout's ``sam build`` dependencies in its copy, as a second build would have.
* ``synopsis``: a usage line; every option it names is in the command's ``--help``.
* ``serve`` / ``serve-client``: the server starts as written, then the client block runs
  verbatim against it (on another port only if 9229 is taken).
* ``replay-snippet``, ``pytest-example``: the PowerShell and Python examples, run for real.
* ``aws`` / ``docker``: they need an AWS account or a container engine; they run without
  either (no credentials, no instance metadata) and must refuse with the line in EXPECT.
* ``ci``: what ``.ci/run`` runs (Makefile targets whose recipes it runs); the other
  development commands must name tools and files that exist.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.sam_seed import build_space, ensure_project_build, seed_with_project_build

# Slow: every block runs as processes (the rie blocks build the functions with sam build).
pytestmark = pytest.mark.slow

README = ROOT / "README.md"
BIN = Path(sys.executable).parent
#: What a new user has after a clone: the project's own files (no build, no .venv state).
PROJECT_FILES = ("template.yaml", "samconfig.toml", "triggers", "events")

_BLOCK = re.compile(
    r"(?:<!-- readme-test: (?P<kind>[\w-]+) -->\n)?^```(?P<lang>\w*)\n(?P<body>.*?)^```$",
    re.S | re.M,
)

#: Every command of a run / aws / docker block: (exit status, lines its output contains...).
#: A ``file:NAME:`` prefix checks the file NAME the command wrote instead.
EXPECT: dict[str, tuple[int, *tuple[str, ...]]] = {
    "harness events list": (0, "40 triggerSources"),
    "harness events generate PreAuthentication_Authentication --username alice "
    "--validation-data appVersion=2.1.0": (0, '"appVersion": "2.1.0"'),
    "harness events generate TokenGeneration_Authentication --token-version V2_0 "
    "-o token-event.json": (0, 'file:token-event.json:"TokenGeneration_Authentication"'),
    "harness events generate PreAuthentication_Authentication --validation-data "
    "appVersion=2.1.0 -o event.json": (0, 'file:event.json:"appVersion": "2.1.0"'),
    "harness invoke PreAuthenticationFunction -e event.json --invoke rie": (
        0,
        "sam build | Build Succeeded",  # the first build shows sam build's progress
        '"validationData": {"appVersion": "2.1.0"}',
    ),
    'echo \'{"PreAuthenticationFunction": {"MIN_APP_VERSION": "3.0.0"}}\' > env.json': (
        0,
        "file:env.json:MIN_APP_VERSION",
    ),
    "harness invoke PreAuthenticationFunction -e - --env-vars env.json < event.json   "
    "# in-process, event on stdin": (
        1,
        "TriggerError: This app version is no longer supported; please update the app",
    ),
    "harness replay events/replays/sample.ps1 --invoke rie": (0, "expectations: 5/5 met"),
    ".venv/bin/sam build": (0, "Build Succeeded"),
    # Docker / Finch: none here, and each says so.
    "sam local invoke PreAuthenticationFunction -e "
    "events/triggers/PreAuthentication_Authentication.json": (
        1,
        "requires a container runtime",
    ),
    "harness invoke PreAuthenticationFunction -e event.json --invoke sam": (
        2,
        "needs Docker or Finch",
    ),
    # An AWS account: without credentials, each refuses before sending anything.
    ".venv/bin/sam deploy --guided    # the first time; afterwards: sam build && sam deploy": (
        1,
        "Stack Name [cognito-trigger-harness]",  # it asks (samconfig.toml's default), no TTY
    ),
    "harness replay --live --stack-name cognito-trigger-harness events/replays/sample.ps1 "
    "--allow-writes": (2, "no AWS credentials found"),
    "aws cloudformation describe-stacks --stack-name cognito-trigger-harness --query "
    "\"Stacks[0].Outputs[?contains(OutputKey, 'UserPoolId') || contains(OutputKey, "
    "'TableName')]\" --output table": (255, "Unable to locate credentials"),
    "sam delete --stack-name cognito-trigger-harness": (1, "Are you sure you want to delete"),
    "aws cognito-idp update-user-pool --user-pool-id POOL_ID --deletion-protection INACTIVE": (
        255,
        "Unable to locate credentials",
    ),
    "aws cognito-idp delete-user-pool --user-pool-id POOL_ID": (
        255,
        "Unable to locate credentials",
    ),
    "aws dynamodb delete-table --table-name INVITATIONS_TABLE_NAME": (
        255,
        "Unable to locate credentials",
    ),
    "aws dynamodb delete-table --table-name LEGACY_USERS_TABLE_NAME": (
        255,
        "Unable to locate credentials",
    ),
}

#: The ids `harness serve` gives the project's template (the README's AWS CLI example).
SERVED_IDS = ("us-east-1_HPu0xjbZc", "8y1uy4xf2njdp0018im7cw2dkh")


@dataclass(frozen=True)
class Block:
    kind: str | None
    lang: str
    body: str
    line: int

    @property
    def commands(self) -> list[str]:
        """The block's commands: continuation lines joined, comment lines left out."""
        joined = re.sub(r"\s*\\\n\s*", " ", self.body)
        return [c for c in joined.splitlines() if c.strip() and not c.lstrip().startswith("#")]


def blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    return [
        Block(m["kind"], m["lang"], m["body"], text.count("\n", 0, m.start()) + 1)
        for m in _BLOCK.finditer(text)
    ]


def of_kind(*kinds: str) -> list[Block]:
    return [b for b in blocks() if b.kind in kinds]


def ids(items: list[Block]) -> list[str]:
    return [f"README.md:{b.line}" for b in items]


def project(tmp_path: Path) -> Path:
    """A fresh copy of what a clone holds, to run the examples in."""
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path


def environment(*, aws: bool = False) -> dict[str, str]:
    """The user's shell: the project's tools first on PATH, this checkout's harness; no AWS
    configuration at all (no credentials, no profile, no instance metadata)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTEST_"))}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', os.defpath)}",
        PYTHONPATH=str(ROOT),
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        SAM_CLI_TELEMETRY="0",
        NO_COLOR="1",
    )
    if aws:  # a region, so that the refusal is about the account, not the configuration
        env["AWS_DEFAULT_REGION"] = "us-east-1"
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # `.venv/bin/` is the project's virtualenv: the one running these tests.
    command = command.replace(".venv/bin/", f"{BIN}/")
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def check(command: str, cwd: Path, env: dict[str, str]) -> None:
    status, *lines = EXPECT[command]
    done = run(command, cwd, env)
    printed = done.stdout + done.stderr
    assert done.returncode == status, f"{command}\nexit {done.returncode}:\n{printed[-3000:]}"
    for line in lines:
        output = printed
        if line.startswith("file:"):
            _, name, line = line.split(":", 2)
            output = (cwd / name).read_text()
        assert line in output, f"{command}\nno {line!r} in:\n{output[-3000:]}"


def test_every_command_block_is_marked_and_known() -> None:
    known = {
        "run",
        "synopsis",
        "serve",
        "serve-client",
        "replay-snippet",
        "pytest-example",
        "aws",
        "docker",
        "ci",
    }
    found = blocks()
    unmarked = [f"README.md:{b.line}" for b in found if b.lang == "sh" and b.kind is None]
    assert not unmarked, f"command blocks without <!-- readme-test: KIND -->: {unmarked}"
    assert {b.kind for b in found if b.kind} <= known
    commands = [c for b in of_kind("run", "aws", "docker") for c in b.commands]
    assert sorted(set(commands)) == sorted(EXPECT), "EXPECT and the README's commands differ"


@pytest.fixture(scope="session")
def project_build() -> Path:
    """The checkout's own ``sam build`` (``.aws-sam``): CI builds it on the fresh clone."""
    return ensure_project_build()


def builds(block: Block) -> bool:
    """Whether the block runs ``sam build``, itself or through ``--invoke rie``."""
    return any("sam build" in c or "--invoke rie" in c for c in block.commands)


@pytest.mark.parametrize("block", of_kind("run"), ids=ids(of_kind("run")))
def test_run_blocks_work_as_written(
    block: Block, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """A block that builds runs in a copy seeded with the checkout's build dependencies
    (tests/support/sam_seed.py): its ``sam build`` is SAM's real one, as written, but installs
    the triggers' requirements from SAM's own cache instead of pip (~10 s of CPU less). That
    the same build works from nothing, pip download included, is proven by CI's
    ``.venv/bin/sam build --template template.yaml`` step on its fresh clone (.ci/run) and,
    outside CI, by ``project_build`` building a checkout that has no build yet."""
    with build_space(tmp_path) if builds(block) else nullcontext(tmp_path) as folder:
        cwd, env = project(folder), environment()
        if builds(block):
            seed_with_project_build(cwd, request.getfixturevalue("project_build"))
        for command in block.commands:
            check(command, cwd, env)


@pytest.mark.parametrize("block", of_kind("aws", "docker"), ids=ids(of_kind("aws", "docker")))
def test_blocks_needing_aws_or_docker_refuse_clearly_without(block: Block, tmp_path: Path) -> None:
    if block.kind == "docker" and _container_engine():
        # Where a container engine answers, the block would run for real: not this test's job.
        pytest.skip("a container engine answers here")
    cwd, env = project(tmp_path), environment(aws=block.kind == "aws")
    for command in block.commands:
        check(command, cwd, env)


@pytest.mark.parametrize("block", of_kind("synopsis"), ids=ids(of_kind("synopsis")))
def test_synopses_name_real_options(block: Block) -> None:
    # A usage line (continued on the next lines), or several example command lines.
    parts = re.split(r"(?m)^(?=harness )", block.body)
    for part in filter(str.strip, parts):
        command = part.split()[1]
        done = run(f"harness {command} --help", ROOT, environment())
        assert done.returncode == 0, done.stderr
        for option in sorted(set(re.findall(r"(?<![\w-])--?[a-z][\w-]*", part.split("#")[0]))):
            assert option in done.stdout, f"harness {command} has no {option}"


def test_the_expectation_example_replays(tmp_path: Path) -> None:
    (snippet,) = of_kind("replay-snippet")
    cwd = project(tmp_path)
    (cwd / "snippet.ps1").write_text(snippet.body)
    env = {**environment(), "ALICE_PASSWORD": "Passw0rd!demo"}
    done = run("harness replay snippet.ps1 --setup events/replays/sample.setup.json", cwd, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "expectations: 1/1 met" in done.stdout


def test_the_plugin_example_passes_run_from_the_tests_folder(tmp_path: Path) -> None:
    (example,) = of_kind("pytest-example")
    cwd = project(tmp_path)
    (cwd / "tests").mkdir()
    (cwd / "tests" / "test_readme_example.py").write_text(example.body)
    # No pytest configuration in the copy: tests/ is the rootdir, the template one folder up.
    done = run("python -m pytest -q -p no:cacheprovider", cwd / "tests", environment())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def _container_engine() -> bool:
    for engine in ("docker", "finch"):
        if shutil.which(engine) is None:
            continue
        probe = subprocess.run(
            [engine, "info"], capture_output=True, timeout=30, check=False, env=environment()
        )
        if probe.returncode == 0:
            return True
    return False


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_serve_then_the_aws_cli_example_signs_alice_in(tmp_path: Path) -> None:
    (server_block,) = of_kind("serve")
    (client_block,) = of_kind("serve-client")
    (start,) = server_block.commands
    cwd, env = project(tmp_path), environment()
    client = client_block.body
    if not _free(9229):  # someone else's 9229: the same commands on another port
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        start += f" --port {port}"
        client = client.replace("127.0.0.1:9229", f"127.0.0.1:{port}")
    server = subprocess.Popen(
        ["bash", "-c", f"exec {start}"],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = []
        while not any("_harness/invocations" in line for line in banner):
            line = server.stderr.readline()  # type: ignore[union-attr]
            assert line, "harness serve exited: " + "".join(banner)
            banner.append(line)
        text = "".join(banner)
        # The ids the README prints are the ones the server gives this template.
        assert f"UserPoolId    {SERVED_IDS[0]}" in text
        assert f"ClientId      {SERVED_IDS[1]}" in text
        for served_id in SERVED_IDS:
            assert served_id in client
        done = run(client, cwd, env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout.strip() == '"Bearer"'
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert "AdminInitiateAuth alice  PreAuth=vData PostAuth=none PreToken=none  ✓ tokens" in out


def test_ci_blocks_are_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for block in of_kind("ci"):
        for command in block.commands:
            words = command.split("#")[0].split()
            if words[0] == "make":
                target = words[1]
                recipe = re.search(rf"^{target}:.*\n((?:\t.*\n)*)", makefile, re.M)
                assert recipe, f"Makefile has no target {target}"
                lines = [
                    line.strip().replace("$(BIN)", ".venv/bin")
                    for line in recipe[1].splitlines()
                    if line.strip()
                ]
                assert f"make {target}" in ci or all(line in ci for line in lines), (
                    f"`{command}`: .ci/run runs neither it nor its recipe"
                )
            else:  # a development tool: it and the file it names exist
                tool = words[0].replace(".venv/bin/", f"{BIN}/")
                assert Path(tool).exists(), f"`{command}`: no {tool}"
                for word in words[1:]:
                    if word.endswith(".py"):
                        assert (ROOT / word).is_file(), f"`{command}`: no {word}"
