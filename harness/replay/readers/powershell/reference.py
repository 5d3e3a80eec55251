"""What a replay does with each parameter and flow of the Start-CGIPAuthAdmin reference (the
AWS Tools for PowerShell page the project started from): one table, rendered into the README by
:mod:`harness.docs`. The parameters come from the reader's own table
(:func:`.cmdlets.parameter_table` and the common parameters of :mod:`.cmdlets`), so a parameter
the reader learns, or loses, shows here or fails the test that keeps the README current."""

from __future__ import annotations

from typing import Final

from harness.replay.readers.powershell import cmdlets

CMDLET: Final = "Start-CGIPAuthAdmin"

#: Request parameters, by the path in the request that :func:`cmdlets.parameter_table` gives.
REQUEST_NOTES: Final[dict[tuple[str, ...], str]] = {
    ("ClientId",): "sent; also position 1, and pipeline input by value (`'id' \\| "
    "Start-CGIPAuthAdmin`) or by property name; a deployed client id maps onto the emulated one",
    ("UserPoolId",): "sent; a deployed pool id maps onto the emulated pool",
    ("AuthFlow",): "sent; every flow in the table below",
    ("AuthParameters",): "sent (alias `-AuthParameters`); `PASSWORD` in place of `SRP_A` makes "
    "the replay compute SRP as the SDK does (USER_SRP_AUTH, CUSTOM_AUTH)",
    ("ClientMetadata",): "sent; the report shows which triggers get it and as which field",
    ("AnalyticsMetadata", "AnalyticsEndpointId"): "sent; Cognito passes it to Pinpoint, no "
    "trigger sees it",
    ("ContextData", "EncodedData"): "sent",
    ("ContextData", "HttpHeaders"): "sent; `New-Object Amazon.CognitoIdentityProvider.Model."
    "HttpHeader` (with `-Property` or later property sets), `[...HttpHeader]@{...}` casts or "
    "hashtables; a ContextData without HttpHeaders is refused, as by the API",
    ("ContextData", "IpAddress"): "sent (ContextData needs IpAddress, ServerName, ServerPath "
    "and HttpHeaders)",
    ("ContextData", "ServerName"): "sent",
    ("ContextData", "ServerPath"): "sent",
    ("Session",): "not in the reference (newer API: choice-based sign-in); sent, and not used "
    "by the emulated pool",
}

#: The cmdlet's other parameters, by the set of :mod:`.cmdlets` they are in.
COMMON_NOTES: Final[dict[str, str]] = {
    "Select": "followed: `$r` holds what `-Select` keeps (`AuthenticationResult.IdToken` is "
    "the token string); a later `$r.Session` the selection threw away is `$null`, not sent, "
    "and the report says where; `^Name` selects a parameter's value",
    "PassThru": "followed: the output is the positional parameter's value",
    "Force": "accepted (no confirmation prompt in a replay)",
    "Region": "ignored locally, with a note; `--live` uses it unless `--region` is given",
    "ProfileName": "ignored locally, with a note; `--live` uses it unless `--profile` is given",
    "EndpointUrl": "ignored, with a note: the emulated pool (or `--live`'s target) answers",
    "AccessKey": "ignored, with a note; the value is never shown",
    "SecretKey": "ignored, with a note; the value is never shown",
    "SessionToken": "ignored, with a note; the value is never shown",
    "Credential": "ignored, with a note; the value is never shown",
    "NetworkCredential": "ignored, with a note; the value is never shown",
    "ProfileLocation": "ignored, with a note",
    "ClientConfig": "ignored",
}

#: Every flow of the reference's -AuthFlow and -AuthParameter, with what the emulated pool runs.
FLOW_NOTES: Final[dict[str, str]] = {
    "ADMIN_USER_PASSWORD_AUTH": "USERNAME, PASSWORD: PreAuthentication, the password check, "
    "NEW_PASSWORD_REQUIRED or MFA, PostAuthentication, PreTokenGeneration; a missing user "
    "runs UserMigration",
    "ADMIN_NO_SRP_AUTH": "the same as ADMIN_USER_PASSWORD_AUTH (the legacy name)",
    "USER_SRP_AUTH": "USERNAME, SRP_A (or PASSWORD: the replay computes SRP_A and the "
    "PASSWORD_VERIFIER answer); the proof is verified for real",
    "CUSTOM_AUTH": "USERNAME: Define, Create, Verify rounds; with `CHALLENGE_NAME=SRP_A` and "
    "SRP_A (or PASSWORD) Define sees SRP_A, then PASSWORD_VERIFIER with its real result; a "
    "wrong password fails there (NotAuthorizedException) after Define sees `false`",
    "REFRESH_TOKEN_AUTH": "REFRESH_TOKEN: PreTokenGeneration (TokenGeneration_RefreshTokens) only",
    "REFRESH_TOKEN": "the same as REFRESH_TOKEN_AUTH",
    "SECRET_HASH": "checked against the client secret, in every flow",
    "DEVICE_KEY": "with the pool's DeviceConfiguration (template or `setup.pool`): a sign-in "
    "returns NewDeviceMetadata and PostAuthentication gets `newDeviceUsed: true`; after "
    "ConfirmDevice, the DEVICE_KEY of a remembered device asks DEVICE_SRP_AUTH, then "
    "DEVICE_PASSWORD_VERIFIER (proved for real) in place of MFA, and the tokens come from "
    "TokenGeneration_AuthenticateDevice. The replay acts as the SDK: `Confirm-CGIPDevice` "
    "without a verifier gets one, DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER answers get SRP_A "
    "and the proof",
}


def parameter_rows() -> list[tuple[str, str]]:
    """(``-Name``, what the replay does) for every parameter of the cmdlet, request ones first;
    KeyError when the reader has a parameter this table does not describe."""
    rows: dict[str, str] = {}
    for name, path in cmdlets.parameter_table(cmdlets.CMDLETS[CMDLET]).values():
        rows[f"-{name}"] = REQUEST_NOTES[path]
    for name, note in COMMON_NOTES.items():
        folded = name.casefold()
        if folded not in cmdlets.SWITCHES and folded not in cmdlets.IGNORED_VALUED:
            raise KeyError(f"-{name} is not a parameter the reader accepts")
        rows[f"-{name}"] = note
    return list(rows.items())


def reference_markdown() -> str:
    """The README's table of the reference's parameters and flows."""
    lines = [
        f"| `{CMDLET}` parameter | What the replay does |",
        "|---|---|",
        *(f"| `{name}` | {note} |" for name, note in parameter_rows()),
        "",
        "| Flow or auth parameter | What the emulated pool runs |",
        "|---|---|",
        *(f"| `{name}` | {note} |" for name, note in FLOW_NOTES.items()),
    ]
    return "\n".join(lines)
