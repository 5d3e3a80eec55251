"""Errors as the caller of Cognito sees them: an AWS error code and Cognito's message.

One class per code, as moto's ``cognitoidp/exceptions.py`` does, so that the emulator raises
``NotAuthorizedException("Incorrect username or password.")`` and a report, a server or a
boto3-style client can render it in the API's own error shape.
"""

from __future__ import annotations

from typing import ClassVar


class CognitoError(Exception):
    """An error the Cognito API returns. ``code`` is the AWS error code."""

    code: ClassVar[str] = "InternalErrorException"
    status: ClassVar[int] = 400

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The harness's explanation for the developer (which trigger answered what), shown by
        #: the reports beside Cognito's answer and never sent as part of it: Cognito's own
        #: message (``to_dict``) names neither trigger nor field.
        self.detail = detail

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class NotAuthorizedException(CognitoError):
    code = "NotAuthorizedException"


class UserNotFoundException(CognitoError):
    code = "UserNotFoundException"


class UserNotConfirmedException(CognitoError):
    code = "UserNotConfirmedException"


class PasswordResetRequiredException(CognitoError):
    code = "PasswordResetRequiredException"


class UsernameExistsException(CognitoError):
    code = "UsernameExistsException"


class InvalidParameterException(CognitoError):
    code = "InvalidParameterException"


class InvalidPasswordException(CognitoError):
    code = "InvalidPasswordException"


class CodeMismatchException(CognitoError):
    code = "CodeMismatchException"


class ExpiredCodeException(CognitoError):
    code = "ExpiredCodeException"


class ResourceNotFoundException(CognitoError):
    code = "ResourceNotFoundException"


class UserLambdaValidationException(CognitoError):
    code = "UserLambdaValidationException"


class InvalidLambdaResponseException(CognitoError):
    code = "InvalidLambdaResponseException"


class UnexpectedLambdaException(CognitoError):
    code = "UnexpectedLambdaException"


class InvalidUserPoolConfigurationException(CognitoError):
    code = "InvalidUserPoolConfigurationException"


class AliasExistsException(CognitoError):
    code = "AliasExistsException"


class LimitExceededException(CognitoError):
    code = "LimitExceededException"


class UnsupportedUserStateException(CognitoError):
    code = "UnsupportedUserStateException"


class UnsupportedOperationException(CognitoError):
    code = "UnsupportedOperationException"


class UnknownOperationException(CognitoError):
    code = "UnknownOperationException"


class SerializationException(CognitoError):
    code = "SerializationException"


class InternalErrorException(CognitoError):
    code = "InternalErrorException"
    status = 500


#: Every code above, for protocol layers that map codes back to classes.
BY_CODE: dict[str, type[CognitoError]] = {cls.code: cls for cls in CognitoError.__subclasses__()}


_OTHER_CODES: dict[tuple[str, int], type[CognitoError]] = {}


def cognito_error(code: str, message: str, status: int = 400) -> CognitoError:
    """The :class:`CognitoError` for an AWS error code, known or not (moto's, a live pool's)."""
    cls = BY_CODE.get(code) or _OTHER_CODES.get((code, status))
    if cls is None:
        cls = type(code, (CognitoError,), {"code": code, "status": status})
        _OTHER_CODES[(code, status)] = cls
    return cls(message)
