"""Pre token generation trigger: put the user's tenant into the ID token.

Runs on every ``TokenGeneration_*`` source. It adds a ``tenant`` claim from the user's
``custom:tenant`` attribute (V1_0 event: ``claimsOverrideDetails``; V2_0/V3_0:
``claimsAndScopeOverrideDetails``, where the access token gets the claim too).

Like post authentication, it receives no ClientMetadata during AdminInitiateAuth; a trigger
that needs the app's metadata here must get it through a Respond call (``clientMetadata``) or
from a store. It logs where metadata arrived, so the harness and CloudWatch show it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from app_metadata import MetadataSchema, read_metadata, validate_envelope

logger = Logger()

METADATA = MetadataSchema(fields=())


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = validate_envelope(event, trigger="TokenGeneration")
    read_metadata(event, METADATA, logger)
    tenant = event["request"]["userAttributes"].get("custom:tenant")
    if not tenant:
        return event
    claims = {"tenant": tenant}
    if str(event.get("version")) in ("2", "3") or "scopes" in event["request"]:
        event["response"]["claimsAndScopeOverrideDetails"] = {
            "idTokenGeneration": {"claimsToAddOrOverride": claims},
            "accessTokenGeneration": {"claimsToAddOrOverride": claims},
        }
    else:
        event["response"]["claimsOverrideDetails"] = {"claimsToAddOrOverride": claims}
    return event
