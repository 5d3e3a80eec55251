"""Post authentication trigger: an audit record of every successful sign-in.

Runs on ``PostAuthentication_Authentication``. It shows the routing users most often get wrong:
during AdminInitiateAuth / InitiateAuth this trigger receives NO ClientMetadata (the call's
metadata went to PreAuthentication as ``validationData``); only when the sign-in ends in a
RespondToAuthChallenge call (MFA, NEW_PASSWORD_REQUIRED, CUSTOM_CHALLENGE, SRP) does it get
that call's metadata, as ``clientMetadata``. The audit record says which happened.

Post authentication cannot refuse a sign-in in a useful way (the password was already
checked), so this trigger never raises for bad metadata: it records the problem and returns.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from app_metadata import Field, MetadataSchema, TriggerError, read_metadata, validate_envelope

logger = Logger()

METADATA = MetadataSchema(fields=(Field("appVersion", kind="version", max_length=32),))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    event = validate_envelope(event, trigger="PostAuthentication")
    try:
        metadata = read_metadata(event, METADATA, logger)
        problem = None
    except TriggerError as error:
        metadata, problem = None, str(error)
    logger.info(
        "sign-in audit",
        extra={
            "newDeviceUsed": event["request"].get("newDeviceUsed") is True,
            "metadataField": metadata.source_field if metadata else None,
            "metadataProblem": problem,
        },
    )
    return event
