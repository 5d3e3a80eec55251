"""AWS failures said as the harness says them: one :class:`LiveError` line, with what to do.

Every AWS request of the harness (the live replay, the Lambda invoker, finding the deployed
stack) runs inside :func:`aws_call`, which turns botocore's ``ClientError`` and
``BotoCoreError`` into that line. A refusal (:data:`DENIED_CODES`) names the permission to give.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from botocore.exceptions import BotoCoreError, ClientError

from harness.errors import HarnessInputError

__all__ = [
    "DENIED_CODES",
    "NOT_DENIED",
    "PERMISSIONS_DOC",
    "LiveError",
    "aws_call",
    "aws_error",
    "live_error",
    "one_line",
    "plural",
]

#: AWS error codes that mean "the caller may not do this" or "these credentials are no good".
DENIED_CODES: Final = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)
#: Where docs/deploy.md lists the permissions (the README's Deploy section once merged).
PERMISSIONS_DOC: Final = "README 'Deploy' (permissions)"


class LiveError(HarnessInputError, ValueError):
    """The harness cannot work against the deployed stack; the message is one line saying why
    and what to do. A HarnessInputError, so the CLI prints it and exits 2."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def plural(n: int, word: str) -> str:
    """``1 user``, ``2 users``: a count in a message."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def aws_error(error: ClientError) -> tuple[str, str]:
    """The AWS error code and message of a ``ClientError``."""
    details = error.response.get("Error", {})
    return str(details.get("Code") or "Unknown"), one_line(details.get("Message") or "")


@dataclass(frozen=True)
class _AllCodesBut:
    codes: frozenset[str]

    def __contains__(self, code: object) -> bool:
        return code not in self.codes


#: For ``aws_call(expect=...)``: every error code but a refusal (a replayed call's own errors
#: are its outcome; a refusal is the caller's to fix).
NOT_DENIED: Final = _AllCodesBut(DENIED_CODES)


def live_error(
    action: str, resource: str, error: Exception, *, failed: str | None = None
) -> LiveError:
    """The one-line :class:`LiveError` for a failure of ``action`` (``dynamodb:PutItem``) on
    ``resource``; ``failed`` replaces ``"<action> on <resource> failed"`` in front of the
    cause (a refusal always says which permission is missing)."""
    failed = failed or f"{action} on {resource} failed"
    if isinstance(error, ClientError):
        code, message = aws_error(error)
        if code in DENIED_CODES:
            return LiveError(
                f"{action} on {resource} was refused ({code}: {message}); give the caller "
                f"{action} (see {PERMISSIONS_DOC}) or use other credentials (--profile)"
            )
        return LiveError(f"{failed}: {code}: {message}")
    return LiveError(f"{failed}: {one_line(error)}")


@contextmanager
def aws_call(
    action: str, resource: str, *, expect: Container[str] = (), failed: str | None = None
) -> Iterator[None]:
    """Run AWS requests, raising a ``ClientError`` or ``BotoCoreError`` as :func:`live_error`.

    A ``ClientError`` whose code is in ``expect`` is raised as it is, for the caller to handle
    (``UserNotFoundException`` when looking a user up, for instance)::

        try:
            with aws_call("cognito-idp:AdminGetUser", pool, expect={"UserNotFoundException"}):
                return cognito.admin_get_user(UserPoolId=pool, Username=name)
        except ClientError:
            return None
    """
    try:
        yield
    except ClientError as error:
        if aws_error(error)[0] in expect:
            raise
        raise live_error(action, resource, error, failed=failed) from None
    except BotoCoreError as error:
        raise live_error(action, resource, error, failed=failed) from None
