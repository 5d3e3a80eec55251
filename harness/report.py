"""Reports of a replay: a terminal table, JSON for machines, Markdown for pull requests.

The JSON document is the stable, documented form (README "Report format"); the table and the
Markdown are renderings of it, so all three always say the same thing.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.cognito.triggers import TRIGGERS as TRIGGER_TABLE
from harness.redaction import redact_params, shown_setting
from harness.results import CallResult, ReplayResult

REPORT_VERSION = 1

#: Column order (the order Cognito runs them in a sign-up / sign-in) and short headers.
TRIGGERS: tuple[tuple[str, str], ...] = tuple((t.name, t.label) for t in TRIGGER_TABLE)
SHORT = dict(TRIGGERS)
CELL = {"validationData": "vData", "clientMetadata": "cMeta", None: "none"}
LEGEND = (
    "vData: ran, got the app's metadata as request.validationData (the call's ClientMetadata; "
    "SignUp's and AdminCreateUser's ValidationData) · cMeta: got ClientMetadata as "
    "request.clientMetadata · none: ran without it · ·: did not run · !: the trigger failed"
)


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return decoded


def outcome_json(result: CallResult) -> dict[str, Any]:
    record = result.record
    outcome = dict(record.outcome)
    tokens = (record.response or {}).get("AuthenticationResult")
    if isinstance(tokens, Mapping):
        outcome["claims"] = {
            "id": _claims(tokens["IdToken"]) if tokens.get("IdToken") else None,
            "access": _claims(tokens["AccessToken"]) if tokens.get("AccessToken") else None,
        }
    return outcome


def to_json(report: ReplayResult, *, verbose: bool = False) -> dict[str, Any]:
    """The documented JSON report (see the README's "Report format")."""
    calls = []
    for result in report.results:
        call: dict[str, Any] = {
            "operation": result.call.operation,
            "source": result.call.source,
            "invocations": [i.to_json(verbose) for i in result.record.invocations],
            "deliveries": list(result.record.deliveries),
            "outcome": outcome_json(result),
            "durationMs": round(result.record.duration_ms, 3),
            "expectations": {
                "checked": result.call.expect is not None,
                "failures": list(result.failures),
                "notChecked": list(result.not_checked),
            },
        }
        if verbose:
            call["request"] = result.record.request
            call["response"] = redact_params(_readable(result.record.response))
        calls.append(call)
    return {
        "version": REPORT_VERSION,
        "template": report.template,
        "invoker": report.invoker,
        "userPoolId": report.user_pool_id,
        "clientId": report.client_id,
        "idMap": report.id_map,
        "settings": {
            name: shown_setting(name, getattr(report.settings, name))
            for name in type(report.settings).names()
        },
        "ok": report.ok,
        "calls": calls,
        "skipped": report.skipped,
        # A live replay's summary lines (harness.results.LiveReplayResult.notes).
        **({"notes": list(notes)} if (notes := getattr(report, "notes", None)) else {}),
    }


def _readable(response: Mapping[str, Any] | None) -> Any:
    """A response for a verbose report: JWTs shown as their claims, never as bearer tokens."""
    if not response:
        return response
    shown = dict(response)
    tokens = shown.get("AuthenticationResult")
    if isinstance(tokens, Mapping):
        shown["AuthenticationResult"] = {
            key: ({"claims": _claims(value)} if key in ("IdToken", "AccessToken") else value)
            for key, value in tokens.items()
        }
        if "RefreshToken" in tokens:
            shown["AuthenticationResult"]["RefreshToken"] = "[REDACTED]"
    return shown


def _columns(report: ReplayResult) -> list[str]:
    seen = {i.trigger for r in report.results for i in r.record.invocations}
    return [name for name, _ in TRIGGERS if name in seen] + sorted(seen - set(SHORT))


#: The cell of a trigger whose function is outside the template and did not run here.
NOT_RUN = "ext"
NOT_RUN_LEGEND = f"{NOT_RUN}: outside the template, not run here (nothing received the metadata)"


def _cell(result: CallResult, trigger: str) -> str:
    runs = [i for i in result.record.invocations if i.trigger == trigger]
    if not runs:
        return "·"
    labels = [
        NOT_RUN if i.not_run else CELL.get(i.metadata_field, str(i.metadata_field)) for i in runs
    ]
    text = labels[0] if len(set(labels)) == 1 else "/".join(dict.fromkeys(labels))
    if len(runs) > 1:
        text += f"x{len(runs)}"
    if any(i.error for i in runs):
        text += "!"
    return text


#: Short names for the table's Call column (the JSON and Markdown keep the API's names).
FLOWS = {
    "ADMIN_USER_PASSWORD_AUTH": "password",
    "ADMIN_NO_SRP_AUTH": "password",
    "USER_PASSWORD_AUTH": "password",
    "USER_SRP_AUTH": "SRP",
    "CUSTOM_AUTH": "custom",
    "REFRESH_TOKEN_AUTH": "refresh",
    "REFRESH_TOKEN": "refresh",
    # challenges answered by a Respond call
    "PASSWORD_VERIFIER": "SRP",
    "NEW_PASSWORD_REQUIRED": "new password",
    "SMS_MFA": "SMS",
    "SOFTWARE_TOKEN_MFA": "TOTP",
    "EMAIL_OTP": "email code",
    "CUSTOM_CHALLENGE": "answer",
}


#: The table's short names for the longest operations (the legend lists those it used).
SHORT_OPERATIONS = {
    "AdminRespondToAuthChallenge": "AdminRespond",
    "RespondToAuthChallenge": "Respond",
    "ConfirmForgotPassword": "ConfirmForgot",
    "ResendConfirmationCode": "ResendCode",
    "AdminUpdateUserAttributes": "AdminUpdateAttrs",
    "UpdateUserAttributes": "UpdateAttrs",
}


def _who(result: CallResult, *, short: bool = False) -> str:
    params = result.call.params
    auth = params.get("AuthParameters")
    name = params.get("Username") or (auth.get("USERNAME") if isinstance(auth, Mapping) else None)
    responses = params.get("ChallengeResponses")
    if not name and isinstance(responses, Mapping):
        name = responses.get("USERNAME")
    flow = params.get("AuthFlow") or params.get("ChallengeName") or ""
    operation = result.call.operation
    parts = [SHORT_OPERATIONS.get(operation, operation) if short else operation]
    if name:
        parts.append(str(name))
    if flow and FLOWS.get(str(flow)) != "password":  # password flows are the common case
        parts.append(f"({FLOWS.get(str(flow), str(flow))})")
    return " ".join(parts)


def _outcome_text(result: CallResult) -> str:
    outcome = result.record.outcome
    if outcome["status"] == "error":
        return "✗ error"  # the code and message follow on the next line
    if outcome["status"] == "challenge":
        return f"→ {outcome['challenge']}"
    return "✓ tokens" if outcome["status"] == "tokens" else "✓ ok"


def _source(result: CallResult) -> str:
    path, _, line = result.call.source.rpartition(":")
    return f"{Path(path).name}:{line}" if path else result.call.source


def _source_order(report: ReplayResult) -> list[int]:
    """The calls' indexes in the order of their files (as given) and lines.

    A CloudTrail trail runs in ``eventTime`` order, which is rarely the order of its records:
    the table lists the rows as the file has them, and says in which order they ran.
    """
    files: dict[str, int] = {}
    keys = []
    for index, result in enumerate(report.results):
        path, _, line = result.call.source.rpartition(":")
        position = files.setdefault(path, len(files))
        keys.append((position, int(line) if line.isdigit() else 0, index))
    return [key[2] for key in sorted(keys)]


def table_width() -> int:
    """The terminal's width (``COLUMNS`` overrides it), else 100: a pipe, a CI log."""
    import sys

    if sys.stdout.isatty():
        return min(max(shutil.get_terminal_size((100, 24)).columns, 40), 200)
    return 100


#: ANSI colours of the outcome marks (``to_table(color=True)``: a terminal, and no NO_COLOR).
_COLOURS = {"✓": "32", "✗": "31", "→": "33", "!": "31", "EXPECTATION FAILED": "1;31"}


def _paint(text: str, color: bool) -> str:
    if not color:
        return text
    for mark, code in _COLOURS.items():
        if mark in text:
            return f"\x1b[{code}m{text}\x1b[0m"
    return text


def _fits(text: str, size: int) -> bool:
    """``textwrap.wrap(text, size)`` would give ``[text]`` back: one line, as it is (most cells
    of a long replay; wrapping each costs ~10 µs). Printable text with no space at either end
    (any whitespace but the space is not printable)."""
    return 0 < len(text) <= size and text[0] != " " and text[-1] != " " and text.isprintable()


def to_table(
    report: ReplayResult, *, width: int | None = None, show_ids: bool = True, color: bool = False
) -> str:
    """The terminal table: one row per call, in the order of the source, one column per
    trigger that ran. A cell too long for its column wraps between words, never inside an id
    or a name."""
    import textwrap

    if width is None:
        width = table_width()
    columns = _columns(report)
    # One replay file: the line is enough (the file is named above the table).
    files = {r.call.source.rpartition(":")[0] for r in report.results}
    single = len(files) == 1 and next(iter(files)) != ""
    order = _source_order(report)
    ran = order != list(range(len(order)))
    headers = [
        *(["Ran"] if ran else []),
        "Line" if single else "Source",
        "Call",
        *[SHORT.get(c, c) for c in columns],
        "Outcome",
    ]
    rows = [
        [
            *([str(index + 1)] if ran else []),
            r.call.source.rpartition(":")[2] if single else _source(r),
            _who(r, short=True),
            *[_cell(r, c) for c in columns],
            _outcome_text(r),
        ]
        for index, r in ((i, report.results[i]) for i in order)
    ]
    widths = [
        max(len(h), *(len(row[i]) for row in rows)) if rows else len(h)
        for i, h in enumerate(headers)
    ]
    call, source = headers.index("Call"), headers.index("Call") - 1
    overflow = sum(widths) + 2 * (len(widths) - 1) - width
    for index in (call, source):  # the Call column gives way first, then the source
        if overflow <= 0:
            break
        # Down to its longest word: a name or an id is never cut.
        floor = max(
            len(headers[index]), *(len(w) for row in rows for w in row[index].split() or [""])
        )
        give = min(overflow, max(0, widths[index] - floor))
        widths[index] -= give
        overflow -= give

    def line(cells: list[str], paint: bool = False) -> list[str]:
        wrapped = [
            [text]
            if _fits(text, size)
            else textwrap.wrap(text, size, break_long_words=False, break_on_hyphens=False) or [""]
            for text, size in zip(cells, widths, strict=True)
        ]
        out = []
        for number in range(max(len(parts) for parts in wrapped)):
            texts = [parts[number] if number < len(parts) else "" for parts in wrapped]
            padded = [text.ljust(size) for text, size in zip(texts, widths, strict=True)]
            if paint:
                padded[-1] = _paint(padded[-1].rstrip(), color)
                padded[:-1] = [_paint(cell, color) if "!" in cell else cell for cell in padded[:-1]]
            out.append("  ".join(padded).rstrip())
        return out

    lines = [f"Replay of {Path(next(iter(files))).name}"] if single else []
    lines += [*line(headers), *line(["─" * w for w in widths])]
    indent = "  "
    for index, row in zip(order, rows, strict=True):
        result = report.results[index]
        lines.extend(line(row, paint=True))
        if result.record.error is not None:
            lines.extend(
                _wrap(f"{result.record.error.code}: {result.record.error.message}", indent, width)
            )
            if result.record.error.detail:
                lines.extend(_wrap(f"({result.record.error.detail})", indent, width))
        for invocation in result.record.invocations:
            if invocation.runtime_error is not None:
                text = f"{invocation.function}: {invocation.runtime_error}"
                lines.extend(_wrap(text, indent, width))
        for sent in result.record.deliveries:
            lines.extend(_wrap(f"delivered: {sent}", indent, width))
        for failure in result.failures:
            lines.extend(
                _paint(text, color)
                for text in _wrap(f"EXPECTATION FAILED: {failure}", indent, width)
            )
    lines.append("")
    if ran:
        lines.extend(_wrap("Ran: the order the calls ran in (their eventTime)", "", width))
    lines.extend(_wrap(LEGEND + (f" · {NOT_RUN_LEGEND}" if _not_run(report) else ""), "", width))
    names = [f"{SHORT[c]} = {c}" for c in columns if SHORT.get(c, c) != c]
    used = dict.fromkeys(
        r.call.operation for r in report.results if r.call.operation in SHORT_OPERATIONS
    )
    names += [f"{SHORT_OPERATIONS[op]} = {op}" for op in used]
    if names:
        lines.extend(_wrap(" · ".join(names), "", width))
    for part in _summary(report, show_ids=show_ids).split("\n"):
        lines.extend(_wrap(part, "", width))
    return "\n".join(lines)


#: Joins the parts of one "a → b" mapping so that a line never breaks inside it.
_GLUE = "\u00a0"


def _wrap(text: str, indent: str, width: int) -> list[str]:
    import textwrap

    lines = textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,  # an id longer than the line stays whole
        break_on_hyphens=False,  # us-east-1_... is one word
    ) or [indent]
    return [line.replace(_GLUE, " ") for line in lines]


def _summary(report: ReplayResult, *, show_ids: bool = True) -> str:
    statuses = [r.record.outcome["status"] for r in report.results]
    checked = sum(r.call.expect is not None for r in report.results)
    failed = sum(1 for r in report.results if r.failures)

    def count(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    parts = [
        f"{count(len(statuses), 'call')}: {count(statuses.count('tokens'), 'sign-in')} with "
        f"tokens, {count(statuses.count('challenge'), 'challenge')}, "
        f"{count(statuses.count('error'), 'error')}"
    ]
    unsure = sum(1 for r in report.results if r.not_checked and not r.failures)
    if checked:
        parts.append(
            f"expectations: {checked - failed - unsure}/{checked} met"
            + (
                f", {unsure} not fully checked (a trigger outside the template did not run)"
                if unsure
                else ""
            )
        )
    runtimes = {
        i.trigger: i.runtime
        for r in report.results
        for i in r.record.invocations
        if i.runtime is not None
    }
    if any(not runtime.startswith("python") for runtime in runtimes.values()):
        # Python is the default the table leaves unsaid; a Node.js trigger is named.
        shown = [f"{SHORT.get(t, t)} {runtimes[t]}" for t in _columns(report) if t in runtimes]
        parts.append("runtimes: " + ", ".join(shown))
    for trigger, function in _not_run(report).items():
        parts.append(
            f"not run here: {SHORT.get(trigger, trigger)}{_GLUE}={_GLUE}{function}, outside the "
            "template; only --invoke lambda runs it"
        )
    if report.id_map and show_ids:
        mapped = ", ".join(f"{k}{_GLUE}→{_GLUE}{v}" for k, v in report.id_map.items())
        pool = "the deployed pool" if report.invoker == "live" else "the emulated pool"
        parts.append(f"ids mapped onto {pool}: {mapped}")
    for skipped in report.skipped:
        parts.append(f"skipped: {skipped}")
    parts.extend(getattr(report, "notes", None) or ())  # a live replay's summary lines
    return "\n".join(parts)


def _not_run(report: ReplayResult) -> dict[str, str]:
    """Trigger → the ARN of its function outside the template, for those that did not run."""
    return {
        i.trigger: i.function.removesuffix(" (not in this template)")
        for r in report.results
        for i in r.record.invocations
        if i.not_run is not None
    }


def to_markdown(report: ReplayResult) -> str:
    """Markdown for a pull request: the same table with full names, then the errors."""
    columns = _columns(report)
    full = {
        "validationData": "`validationData`",
        "clientMetadata": "`clientMetadata`",
        None: "ran without",
    }
    lines = [
        f"### Replay through `{Path(report.template).name}` ({report.invoker})",
        "",
        "| # | Source | Call | " + " | ".join(columns) + " | Outcome |",
        "|---|---|---|" + "---|" * len(columns) + "---|",
    ]
    for index in _source_order(report):  # # is the order the calls ran in
        n, result = index + 1, report.results[index]
        cells = []
        for trigger in columns:
            runs = [i for i in result.record.invocations if i.trigger == trigger]
            if not runs:
                cells.append("—")
                continue
            text = ", ".join(
                dict.fromkeys(
                    "not run here"
                    if i.not_run
                    else full.get(i.metadata_field, str(i.metadata_field))
                    for i in runs
                )
            )
            if len(runs) > 1:
                text += f" x{len(runs)}"
            if any(i.error for i in runs):
                text += " ❌"
            cells.append(text)
        outcome = result.record.outcome
        if outcome["status"] == "error":
            shown = f"❌ `{outcome['code']}`: {outcome['message']}"
            if outcome.get("detail"):
                shown += f" ({outcome['detail']})"
        elif outcome["status"] == "challenge":
            shown = f"challenge `{outcome['challenge']}`"
        else:
            shown = f"✅ {outcome['status']}"
        if result.failures:
            shown += "<br>**expectation failed:** " + "; ".join(result.failures)
        row = [
            str(n),
            f"`{_source(result)}`",
            _who(result).replace("|", "\\|"),
            *cells,
            shown.replace("|", "\\|"),
        ]
        lines.append("| " + " | ".join(row) + " |")
    lines.extend(["", _summary(report).replace(_GLUE, " ").replace("\n", "  \n")])
    return "\n".join(lines) + "\n"


def call_line(result: CallResult, *, color: bool = False) -> str:
    """One line per call as it happens (``harness serve``), in the table's vocabulary."""
    cells = [
        f"{SHORT.get(i.trigger, i.trigger)}={_cell(result, i.trigger)}" for i in _unique(result)
    ]
    outcome = _outcome_text(result)
    if result.record.error is not None:
        outcome = f"✗ {result.record.error.code}: {result.record.error.message}"
        if result.record.error.detail:
            outcome += f" ({result.record.error.detail})"
    for invocation in result.record.invocations:
        if invocation.runtime_error is not None:
            outcome += f" ({invocation.function}: {invocation.runtime_error})"
    return "  ".join([_who(result), " ".join(cells) or "(no trigger)", _paint(outcome, color)])


def _unique(result: CallResult) -> list[Any]:
    seen: dict[str, Any] = {}
    for invocation in result.record.invocations:
        seen.setdefault(invocation.trigger, invocation)
    return list(seen.values())
