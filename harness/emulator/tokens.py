"""Token issuance with the pre token generation trigger applied, as Cognito applies it.

The JWTs are signed with a key generated for each pool (:func:`install_pool_key`; ``harness
serve`` answers the pool's JWKS with :func:`public_jwks`), so an app can verify them, and a token
signed with moto's test key (published with moto's source) does not verify. V1_0 responses
change the ID token and the groups; V2_0 / V3_0 responses change both tokens and the access
token's scopes ([D] user-pool-lambda-pre-token-generation).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwk
from joserfc.util import base64_to_int
from moto.cognitoidp import models as _moto_models
from moto.cognitoidp.models import CognitoIdpUser, CognitoIdpUserPool

from harness.cognito import errors
from harness.emulator import key_prefetch
from harness.emulator.context import CallContext
from harness.settings import Settings

#: Claims a pre token generation trigger cannot add, change or suppress.
#: [D] user-pool-lambda-pre-token-generation ("You can't modify the following claims"), plus
#: the access token's identity claims (client_id, username, scope: scopes change only through
#: scopesToAdd / scopesToSuppress) [D] same page, access token customization.
PROTECTED_CLAIMS = frozenset(
    {
        "acr",
        "amr",
        "aud",
        "at_hash",
        "auth_time",
        "azp",
        "cognito:username",
        "exp",
        "iat",
        "identities",
        "iss",
        "jti",
        "nbf",
        "nonce",
        "origin_jti",
        "sub",
        "token_use",
        "client_id",
        "username",
        "scope",
        "version",
        "event_id",
        "cognito:groups",
        "cognito:roles",
        "cognito:preferred_role",
    }
)
ACCESS_SCOPE = "aws.cognito.signin.user.admin"
_BOOLEAN_ATTRIBUTES = {"email_verified", "phone_number_verified"}


#: The key id moto's ``create_jwt`` writes in every token header; the pool's own key carries it.
KEY_ID = "dummy"
_OWN_KEY = "_harness_own_key"


class _MotoKeyOnFirstUse:
    """moto's bundled signing key, imported the first time a pool signs with it.

    moto's ``CognitoIdpUserPool.__init__`` imports that key (``jwks-private.json``, which holds
    no prime factors: joserfc recovers them, ~0.1 s of big-integer work) for every new pool,
    and the harness replaces it at once with the pool's own (:func:`install_pool_key`). Pools
    the harness never gives a key (created through moto's API and not adopted) still sign with
    moto's key, as in moto: joserfc accepts a callable as a key and calls it when signing.
    """

    _key: jwk.RSAKey | None = None

    def __init__(self, data: Any) -> None:
        self.data = data

    def __call__(self, _obj: Any = None) -> jwk.RSAKey:
        if _MotoKeyOnFirstUse._key is None:  # the same file every time: import it once
            _MotoKeyOnFirstUse._key = jwk.RSAKey.import_key(self.data)
        return _MotoKeyOnFirstUse._key


class _MotoJwk:
    """``joserfc.jwk`` as moto's cognito-idp models module sees it (its only use of it is the
    pool key import above), with that import deferred: the one patch of moto's code."""

    class RSAKey:
        import_key = staticmethod(_MotoKeyOnFirstUse)

    def __getattr__(self, name: str) -> Any:
        return getattr(jwk, name)


setattr(_moto_models, "jwk", _MotoJwk())  # noqa: B010 (a module attribute of moto's, replaced)


def pool_keys_dir() -> Path:
    """Where pools with stable ids keep their signing keys: ``$XDG_CACHE_HOME`` (default
    ``~/.cache``) ``/cognito-trigger-harness/pool-keys``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "cognito-trigger-harness" / "pool-keys"


def install_pool_key(pool: CognitoIdpUserPool, *, keep_in: Path | None = None) -> None:
    """Sign the pool's tokens with an RSA key generated for it (once per pool).

    With ``keep_in`` (a pool whose id is the same at every start: ``harness serve``), the key
    is kept there under the pool's id, so that tokens an app holds still verify after a
    restart, as a deployed pool's keys outlive any one session.
    """
    if getattr(pool, _OWN_KEY, False):
        return
    path = keep_in / f"{pool.id}.jwk.json" if keep_in is not None else None
    key = _kept_key(path) if path is not None else None
    if key is None:
        # A fresh key, generated ahead on a thread if the command started one (key_prefetch),
        # wrapped as joserfc's RSAKey.generate_key wraps the key it generates.
        private = key_prefetch.take()
        key = jwk.RSAKey(private, private, {"kid": KEY_ID, "alg": "RS256", "use": "sig"})
        if path is not None:
            _keep_key(path, key)
    pool.json_web_key = key
    setattr(pool, _OWN_KEY, True)


def _kept_key(path: Path) -> jwk.RSAKey | None:
    try:
        kept = json.loads(path.read_text())
        numbers = {name: base64_to_int(kept[name]) for name in _RSA_MEMBERS}
        if numbers["p"] * numbers["q"] != numbers["n"]:
            return None  # damaged: the pool gets a new one
        private = rsa.RSAPrivateNumbers(
            p=numbers["p"],
            q=numbers["q"],
            d=numbers["d"],
            dmp1=numbers["dp"],
            dmq1=numbers["dq"],
            iqmp=numbers["qi"],
            public_numbers=rsa.RSAPublicNumbers(numbers["e"], numbers["n"]),
        )
        # The harness's own file (mode 0600) of a key OpenSSL generated and checked: OpenSSL's
        # check again (primality tests, ~30 ms of `harness serve`'s start) is skipped.
        key = private.private_key(unsafe_skip_rsa_key_validation=True)
        parameters: Any = {name: kept[name] for name in ("kid", "alg", "use") if name in kept}
        return jwk.RSAKey.import_key(key, parameters)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none yet, or unreadable: the pool gets a new one


#: The members of a private RSA JWK (RFC 7518 6.3.2) that the kept keys hold.
_RSA_MEMBERS = ("n", "e", "d", "p", "q", "dp", "dq", "qi")


def _keep_key(path: Path, key: jwk.RSAKey) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(key.as_dict(private=True), out)
        os.replace(path.with_suffix(".tmp"), path)
    except OSError:
        pass  # a read-only home: tokens then last as long as the process, as without keeping


def public_jwks(pool: CognitoIdpUserPool) -> dict[str, Any]:
    """The pool's JWKS document: the public half of its own key."""
    install_pool_key(pool)
    return {"keys": [pool.json_web_key.as_dict(private=False)]}


def _is_protected(claim: str) -> bool:
    return claim in PROTECTED_CLAIMS or claim.startswith("dev:")


def issue_tokens(
    ctx: CallContext,
    user: CognitoIdpUser,
    *,
    trigger_source: str,
    refresh_token: str | None = None,
    run_trigger: bool = True,
    routed_as: str | None = None,
) -> dict[str, Any]:
    """Run PreTokenGeneration (if wired) and return the call's ``AuthenticationResult``.

    ``routed_as``: the operation whose ClientMetadata routing applies, if not the call's own.
    """
    client_id = ctx.client_id
    groups = sorted(g.group_name for g in user.groups)
    attributes = ctx.user_attributes(user)
    id_claims: dict[str, Any] = {
        name: (value == "true" if name in _BOOLEAN_ATTRIBUTES else value)
        for name, value in attributes.items()
        if name != "sub"
    }
    access_claims: dict[str, Any] = {}
    if groups:
        id_claims["cognito:groups"] = list(groups)
        access_claims["cognito:groups"] = list(groups)
    roles, preferred_role = group_roles(user.groups)
    if roles:
        id_claims["cognito:roles"] = list(roles)
    if preferred_role:
        id_claims["cognito:preferred_role"] = preferred_role
    scopes = [ACCESS_SCOPE]

    version = ctx.pool_spec.pre_token_generation_version
    response = (
        None
        if not run_trigger
        else ctx.run_trigger(
            trigger_source,
            user,
            request={
                "groupConfiguration": {
                    "groupsToOverride": list(groups),
                    "iamRolesToOverride": list(roles),
                    "preferredRole": preferred_role,
                },
                **({"scopes": list(scopes)} if version != "V1_0" else {}),
            },
            routed_as=routed_as,
        )
    )
    if response:
        scopes = _apply(ctx.settings, version, response, id_claims, access_claims, scopes)

    if refresh_token is None:
        refresh_token, origin_jti = ctx.pool.create_refresh_token(client_id, user.username)
        new_refresh: str | None = refresh_token
    else:
        origin_jti = (ctx.pool.refresh_tokens.get(refresh_token) or ("", "", ""))[2]
        new_refresh = None
    event_id = str(uuid.uuid4())
    common = {"origin_jti": origin_jti, "event_id": event_id}
    id_token, _ = ctx.pool.create_jwt(
        client_id, user.username, "id", ctx.token_seconds("IdToken"), {**id_claims, **common}
    )
    access_token, expires = ctx.pool.create_jwt(
        client_id,
        user.username,
        "access",
        ctx.token_seconds("AccessToken"),
        {**access_claims, **common, "scope": " ".join(scopes)},
    )
    ctx.pool.id_tokens[id_token] = (client_id, user.username)
    ctx.pool.access_tokens[access_token] = (client_id, user.username)
    result: dict[str, Any] = {
        "AccessToken": access_token,
        "ExpiresIn": expires,
        "TokenType": "Bearer",
        "IdToken": id_token,
    }
    if new_refresh:
        result["RefreshToken"] = new_refresh
    return result


def _refuse(settings: Settings, claim: str) -> bool:
    """True to drop the claim silently; raises when the setting says Cognito refuses it."""
    if settings.protected_claim_override == "ignore":
        return True
    raise errors.InvalidLambdaResponseException(
        f"Invalid lambda function output : Invalid claim override: {claim}"
    )


def _override(
    settings: Settings,
    claims: dict[str, Any],
    details: Mapping[str, Any] | None,
    *,
    strings_only: bool,
) -> None:
    if not details:
        return
    add = _object(details.get("claimsToAddOrOverride"))
    for name, value in add.items():
        if _is_protected(name) and _refuse(settings, name):
            continue
        if strings_only and not isinstance(value, str):
            # [D] V1_0: claimsToAddOrOverride is a map of strings.
            raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
        claims[name] = value
    # Suppression wins over an override of the same claim: applied last.
    # [D] user-pool-lambda-pre-token-generation (a claim both overridden and suppressed is
    # suppressed).
    for name in _strings(details.get("claimsToSuppress")) or []:
        if _is_protected(name) and _refuse(settings, name):
            continue
        claims.pop(name, None)


def _object(value: Any) -> dict[str, Any]:
    """An optional JSON object of a trigger's response; anything else is unusable output."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    return value


def _strings(value: Any) -> list[str] | None:
    """An optional list of strings of a trigger's response (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    return value


def _apply(
    settings: Settings,
    version: str,
    response: Mapping[str, Any],
    id_claims: dict[str, Any],
    access_claims: dict[str, Any],
    scopes: list[str],
) -> list[str]:
    if version == "V1_0":
        details = _object(response.get("claimsOverrideDetails"))
        _override(settings, id_claims, details, strings_only=True)
        if "groupOverrideDetails" in details and not details["groupOverrideDetails"]:
            # [D] user-pool-lambda-pre-token-generation, V1_0: an empty or null
            # groupOverrideDetails suppresses the groups claim.
            id_claims.pop("cognito:groups", None)
            access_claims.pop("cognito:groups", None)
        _groups(_object(details.get("groupOverrideDetails")), id_claims, access_claims)
        return scopes
    details = _object(response.get("claimsAndScopeOverrideDetails"))
    _override(settings, id_claims, _object(details.get("idTokenGeneration")), strings_only=False)
    access = _object(details.get("accessTokenGeneration"))
    _override(settings, access_claims, access, strings_only=False)
    for scope in _strings(access.get("scopesToSuppress")) or []:
        if scope in scopes:
            scopes.remove(scope)
    for scope in _strings(access.get("scopesToAdd")) or []:
        if scope not in scopes:
            scopes.append(scope)
    _groups(_object(details.get("groupOverrideDetails")), id_claims, access_claims)
    return scopes


def _groups(
    details: Mapping[str, Any], id_claims: dict[str, Any], access_claims: dict[str, Any]
) -> None:
    """groupOverrideDetails replaces cognito:groups (both tokens) and the ID token's roles."""
    if not details:
        return
    groups = _strings(details.get("groupsToOverride"))
    if groups is not None:
        if groups:
            id_claims["cognito:groups"] = list(groups)
            access_claims["cognito:groups"] = list(groups)
        else:
            id_claims.pop("cognito:groups", None)
            access_claims.pop("cognito:groups", None)
    roles = _strings(details.get("iamRolesToOverride"))
    if roles:
        id_claims["cognito:roles"] = list(roles)
    preferred = details.get("preferredRole")
    if preferred is not None and not isinstance(preferred, str):
        raise errors.InvalidLambdaResponseException("Unrecognizable lambda output")
    if preferred:
        id_claims["cognito:preferred_role"] = preferred


def group_roles(groups: Any) -> tuple[list[str], str | None]:
    """The role ARNs of a user's groups, and the preferred one.

    [D] AWS::Cognito::UserPoolGroup, Precedence (CloudFormation reference): lower Precedence
    wins over higher or null; of the groups with a role, the one with the lowest precedence
    gives cognito:preferred_role; groups tied at that precedence with different roles leave
    it unset, with the same role set it.
    """
    with_roles = [g for g in groups if getattr(g, "role_arn", None)]
    roles = sorted({str(g.role_arn) for g in with_roles})

    def rank(group: Any) -> float:
        return float("inf") if group.precedence is None else float(group.precedence)

    if not with_roles:
        return roles, None
    best = min(map(rank, with_roles))
    top = {str(g.role_arn) for g in with_roles if rank(g) == best}
    return roles, (top.pop() if len(top) == 1 else None)
