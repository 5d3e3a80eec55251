"""The adversarial pass, measured: hostile inputs through the real commands, counted per area.

    PYTHONPATH=. python bench/adversarial.py [--mutations N] [--seed S]

* replay / setup / template: the corpus of tests/support/hostile.py (every crash class found so
  far) plus N seeded random mutations of each sample replay format, each run as
  ``harness replay`` in a process of its own with a 30 s limit;
* serve: hostile HTTP requests to a ``harness serve`` process on 127.0.0.1.

A case is clean when it ends in success (exit 0 or 1) or in exit 2 with one error line that
names its location; for serve, when the answer is Cognito's JSON shape (``__type``,
``message``) with a status under 500, or a JSON success. Anything else is a defect: a
traceback, a hang, exit 2 without a location, an HTML page, a 5xx.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.hostile import CLEAN_ERROR, REPLAYS, corpus  # noqa: E402

HARNESS = str(Path(sys.executable).with_name("harness"))
LIMIT = 30
FRAGMENTS = [
    "[" * 300, "{" * 300, "@{a=" * 60, "$(", "${", "'", '"', "`", "\\", "\u2028", "\ue000",
    "\x00", "Ä", "Infinity", "NaN", "&a [*a]", "*a", "file:///dev/zero", "|", ";", "&", "<",
    "--cli-input-yaml", "--client-metadata", "-ClientMetadata", "a" * 5000, ":", ",", "=",
]  # fmt: skip


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 6)):
        at = rng.randint(0, len(text))
        action = rng.choice(["insert", "insert", "delete", "duplicate"])
        if action == "insert":
            text = text[:at] + rng.choice(FRAGMENTS) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + rng.randint(1, 40) :]
        else:
            end = min(len(text), at + rng.randint(1, 200))
            text = text[:at] + text[at:end] * 2 + text[end:]
    return text


def run_replay(args: list[str]) -> str:
    """'clean' or the kind of defect."""
    if "--template" not in args:
        args = [*args, "--template", str(ROOT / "template.yaml")]
    try:
        done = subprocess.run(
            [HARNESS, "replay", *args],
            capture_output=True,
            text=True,
            timeout=LIMIT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return "hang"
    if "Traceback" in done.stderr:
        return "traceback"
    if done.returncode in (0, 1):
        return "clean"
    if done.returncode == 2:
        return "clean" if CLEAN_ERROR.match(done.stderr) else "exit 2 without location"
    return f"exit {done.returncode}"


def files(mutations: int, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    cases: list[tuple[str, str, list[str]]] = []
    folder = Path(tempfile.mkdtemp(prefix="adversarial-"))
    for number, case in enumerate(corpus()):
        where = folder / f"case{number}"
        where.mkdir()
        cases.append((case.area, case.name, case.make(where)))
    seeds = {
        "replay.ps1": (REPLAYS / "sample.ps1").read_text(),
        "replay.sh": (REPLAYS / "aws-cli.sh").read_text(),
        "replay.json": (REPLAYS / "calls.json").read_text(),
        "trail.json": (REPLAYS / "cloudtrail.json").read_text(),
    }
    for name, seed in seeds.items():
        for number in range(mutations):
            where = folder / f"{name}-{number}"
            where.mkdir()
            (where / "sample.setup.json").write_text((REPLAYS / "sample.setup.json").read_text())
            (where / name).write_text(mutate(seed, rng), encoding="utf-8", errors="surrogatepass")
            cases.append(("replay", f"mutated {name}", [str(where / name)]))
    setup = (REPLAYS / "sample.setup.json").read_text()
    for number in range(mutations):
        where = folder / f"setup-{number}"
        where.mkdir()
        (where / "setup.json").write_text(mutate(setup, rng))
        calls = (REPLAYS / "calls.json").read_text().replace("sample.setup.json", "setup.json")
        (where / "calls.json").write_text(calls)
        cases.append(("setup", "mutated setup", [str(where / "calls.json")]))
    template = (ROOT / "template.yaml").read_text()
    for number in range(mutations):
        where = folder / f"template-{number}"
        where.mkdir()
        (where / "template.yaml").write_text(mutate(template, rng))
        args = ["--template", str(where / "template.yaml"), str(REPLAYS / "sample.ps1")]
        cases.append(("template", "mutated template", args))
    return cases


def serve_requests() -> list[tuple[str, str | None, bytes]]:
    from harness.emulator.service import OPERATIONS

    prefix = "AWSCognitoIdentityProviderService."
    bodies = [
        b"",
        b"\xff\xfe\x00 binary",
        b"[]",
        b"null",
        b'"text"',
        b"{" * 5000,
        b"[" * 5000 + b"]" * 5000,
        b'{"UserPoolId": Infinity}',
        b"{}",
    ]
    members = ["AuthFlow", "AnalyticsMetadata", "ContextData", "Session", "SecretHash",
               "UserContextData", "ClientMetadata", "UserAttributes", "AuthParameters"]  # fmt: skip
    requests: list[tuple[str, str | None, bytes]] = []
    for operation in sorted(OPERATIONS):
        for body in bodies:
            requests.append(("POST", prefix + operation, body))
        for member in members:
            for value in ([1], {"a": [1]}, 12345, True, "x" * 5000):
                requests.append(("POST", prefix + operation, json.dumps({member: value}).encode()))
    for target in [None, "", prefix, prefix + "NoSuch", prefix + "adminInitiateAuth", "Other.X"]:
        requests.append(("POST", target, b"{}"))
    for operation in ("ListUserPools", "DescribeUserPool", "CreateUserPool", "AdminGetUser"):
        for body in bodies:
            requests.append(("POST", prefix + operation, body))
    for path in ("/x/.well-known/jwks.json", "/nope", "/_harness/nope"):
        requests.append(("GET " + path, None, b""))
    return requests


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_serve() -> collections.Counter[str]:
    port = free_port()
    server = subprocess.Popen(
        [HARNESS, "serve", "--template", str(ROOT / "template.yaml"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    counts: collections.Counter[str] = collections.Counter()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{endpoint}/_harness/invocations", timeout=2).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        for method, target, body in serve_requests():
            if method.startswith("GET "):
                request = urllib.request.Request(endpoint + method[4:])  # noqa: S310
            else:
                headers = {"Content-Type": "application/x-amz-json-1.1"}
                if target is not None:
                    headers["X-Amz-Target"] = target
                request = urllib.request.Request(endpoint + "/", data=body, headers=headers)  # noqa: S310
            counts["tried"] += 1
            counts[classify(request)] += 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    return counts


def classify(request: urllib.request.Request) -> str:
    try:
        with urllib.request.urlopen(request, timeout=LIMIT) as answer:  # noqa: S310
            status, kind, text = answer.status, answer.headers.get_content_type(), answer.read()
    except urllib.error.HTTPError as error:
        status, kind, text = error.code, error.headers.get_content_type(), error.read()
    except TimeoutError:
        return "hang"
    if "html" in kind:
        return f"{status} HTML"
    if status >= 500:
        return f"{status} JSON"
    try:
        body = json.loads(text) if text else None
    except ValueError:
        return f"{status} not JSON"
    if status >= 400 and not (isinstance(body, dict) and {"__type", "message"} <= set(body)):
        return f"{status} not Cognito's shape"
    return "clean"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutations", type=int, default=10, help="per format (default 10)")
    parser.add_argument("--seed", type=int, default=13)
    options = parser.parse_args()
    rng = random.Random(options.seed)  # noqa: S311 (reproducible corpus, not crypto)
    results: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    defects: list[str] = []
    for area, name, args in files(options.mutations, rng):
        outcome = run_replay(args)
        results[area]["tried"] += 1
        results[area][outcome] += 1
        if outcome != "clean":
            defects.append(f"{area}: {name}: {outcome}: {' '.join(args)[:200]}")
    results["serve"] = run_serve()
    print(f"{'area':10} {'tried':>6} {'clean':>6} {'defect':>6}  defects by kind")
    for area, counts in results.items():
        kinds = {k: v for k, v in counts.items() if k not in ("tried", "clean")}
        print(
            f"{area:10} {counts['tried']:>6} {counts['clean']:>6} "
            f"{sum(kinds.values()):>6}  {dict(kinds) if kinds else ''}"
        )
    for line in defects:
        print("  " + line)


if __name__ == "__main__":
    main()
