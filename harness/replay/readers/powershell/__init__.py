"""PowerShell replays: scripts calling the AWS Tools for PowerShell Cognito cmdlets.

The reader understands the part of PowerShell such scripts use, without running anything
(:mod:`.lexer` reads the text, :mod:`.parser` the statements, :mod:`.values` the values, and
:mod:`.cmdlets` binds a cmdlet's arguments to its request):

* the cmdlets in :data:`CMDLETS` (``Start-CGIPAuthAdmin`` is AdminInitiateAuth, and so on; the
  names are the real AWS Tools for PowerShell ones). A cmdlet's parameters are derived from the
  operation's botocore input shape the way AWS Tools for PowerShell names them: list and map
  parameters in the singular (``-AuthParameter``, alias ``-AuthParameters``; ``-UserAttribute``;
  ``-ChallengeResponse``), structure members flattened with ``_`` (``-ContextData_IpAddress``,
  ``-ContextData_HttpHeader``, ``-AnalyticsMetadata_AnalyticsEndpointId``). Parameter and cmdlet
  names are case-insensitive. The first positional argument fills :data:`POSITIONAL` (ClientId for
  the sign-in cmdlets: ``Start-CGIPAuthAdmin 1example23456789 -UserPoolId ...``).
  ``-Select`` and ``-PassThru`` change the output as in PowerShell; ``-Force`` and PowerShell's
  common parameters are accepted; ``-Region``, ``-ProfileName``, ``-EndpointUrl`` and the
  credential parameters are ignored locally with a note (values of credentials never shown),
  and ``--live`` takes the script's region and profile unless its command line names others.
  :mod:`.reference` says what a replay does with every parameter of the Start-CGIPAuthAdmin
  reference (the README's table).
* pipeline input: ``'client-id' | Start-CGIPAuthAdmin ...`` binds by value to the positional
  parameter; ``[pscustomobject]@{UserPoolId=...; ClientId=...} | ...`` and a previous cmdlet's
  output (``$r | Send-CGIPAuthChallengeResponseAdmin ...``: its Session and ChallengeName) bind
  by property name; an array runs the cmdlet once per item. A hashtable does not bind by
  property name in PowerShell: piping one is an error that says so.
* values: 'single' and "double" quoted strings ("..." expands ``$var`` and ``$env:NAME``),
  barewords (``-AuthFlow ADMIN_USER_PASSWORD_AUTH``), numbers, ``$true``/``$false``/``$null``,
  hashtables ``@{USERNAME='alice'; PASSWORD=$env:ALICE_PASSWORD}`` on one or several lines,
  arrays ``@( @{Name='email'; Value='a@example.com'} )`` and ``'a','b'``; objects of the
  cognito-idp model types (``New-Object Amazon.CognitoIdentityProvider.Model.HttpHeader
  -Property @{...}``, then ``$h.HeaderName = '...'``; ``[...HttpHeader]@{...}``;
  ``[pscustomobject]@{...}``), their properties checked against the type.
* statements: one per line or separated by ``;``; backtick (`````) line continuations; ``#`` and
  ``<# #>`` comments; ``$name = 'literal'`` / ``@{...}`` assignments reused later;
  ``$env:NAME = '...'``; ``try { ... } catch { ... }`` (the try block is replayed, catch and
  finally blocks are skipped); ``Import-Module``, ``Set-DefaultAWSRegion``, ``Write-Host`` and
  the other commands in :data:`IGNORED_COMMANDS` are skipped; a cmdlet's output piped to
  ``Out-Null``, ``Format-List``, ``ConvertTo-Json``... is fine.
* ``$r = Start-CGIPAuthAdmin ...`` then ``-Session $r.Session`` in the next call: the value
  becomes ``${previous:Session}``, which the engine replaces with the previous call's response
  Session (``$r.ChallengeParameters.USER_ID_FOR_SRP`` becomes
  ``${previous:ChallengeParameters.USER_ID_FOR_SRP}``). ``-Select Session`` on the first call
  and ``| Select-Object -ExpandProperty Session`` work the same way. Only the call just before
  may be referenced. Properties are those of the operation's response (any case); a property
  the value does not have (``$r.Session`` after ``-Select AuthenticationResult.IdToken``) is
  ``$null`` as in PowerShell: the parameter is not sent and the report says why.
* secrets: ``$env:NAME`` (bare or inside "...") reads the environment; a missing variable is an
  error naming it.
* directives in comments: ``# harness-setup: sample.setup.json`` (relative to the script) and
  ``# expect: PreAuthentication=validationData outcome=tokens`` before a call.

Anything else (unknown cmdlets or parameters, ``if``/``foreach``, ``$(...)`` subexpressions,
here-strings) is a ReplayError with file:line saying what is supported.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.replay.readers.base import ReadResult
from harness.replay.readers.powershell.cmdlets import (
    CMDLETS,
    IGNORED_COMMANDS,
    PIPE_CONSUMERS,
    POSITIONAL,
    parameter_table,
)
from harness.replay.readers.powershell.parser import Parser

__all__ = ["CMDLETS", "IGNORED_COMMANDS", "PIPE_CONSUMERS", "POSITIONAL", "parameter_table", "read"]


def read(path: Path, text: str, env: Mapping[str, str], display: str) -> ReadResult:
    return Parser(path, text, env, display).run()
