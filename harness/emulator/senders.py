"""Custom email and SMS sender triggers: Cognito hands the message to the app's function.

Wherever Cognito would send a code (sign-up, resend, forgot password, admin create user,
attribute update and verification, MFA), a pool whose ``LambdaConfig`` names
``CustomEmailSender`` / ``CustomSMSSender`` (with ``KMSKeyID``) invokes that function instead,
with ``request.code`` encrypted: an AWS Encryption SDK message under the pool's KMS key.
[D] user-pool-lambda-custom-email-sender, user-pool-lambda-custom-sms-sender: "Amazon Cognito
uses the AWS Encryption SDK to encrypt secrets (temporary passwords and authorization codes)",
so that the function decrypts it with the Encryption SDK and a KMS keyring on that key.

The emulated KMS is moto's, the one the triggers call: a function decrypts the code unchanged
with the real ``aws-encryption-sdk``. Cognito's messages are version 1 Encryption SDK messages
(they start with "AYAD", [P] custom-email-sender-*.json in ``harness.cognito.events``): the
algorithm suite ``AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384``, without key commitment, which
is why AWS's examples decrypt with the ``REQUIRE_ENCRYPT_ALLOW_DECRYPT`` commitment policy.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: The sender trigger for each delivery medium.
SENDER_OF_MEDIUM = {"EMAIL": "CustomEmailSender", "SMS": "CustomSMSSender"}


@dataclass(frozen=True)
class SenderKey:
    """The pool's ``KMSKeyID`` as created in the emulated KMS, and how to reach that KMS."""

    #: The key's ARN in the emulated KMS.
    arn: str
    #: The KMS key id the template gave (a stand-in ARN or id), which functions may name.
    template_id: str
    kms_client: Callable[[], Any]

    def encrypt(self, secret: str) -> str:
        """``secret`` as Cognito sends it in ``request.code``: a base64 Encryption SDK message."""
        import aws_encryption_sdk
        from aws_encryption_sdk.identifiers import Algorithm, CommitmentPolicy
        from aws_encryption_sdk.key_providers.kms import KMSMasterKey, KMSMasterKeyConfig

        client = aws_encryption_sdk.EncryptionSDKClient(
            commitment_policy=CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT
        )
        key = KMSMasterKey(config=KMSMasterKeyConfig(key_id=self.arn, client=self.kms_client()))
        ciphertext, _ = client.encrypt(
            source=secret.encode(),
            key_provider=key,
            algorithm=Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
        )
        return base64.b64encode(ciphertext).decode()


def create_sender_key(kms: Any, template_id: str, pool_name: str) -> str:
    """Create the pool's KMS key in the emulated KMS; its ARN."""
    created = kms.create_key(
        Description=f"{pool_name} custom sender key (template: {template_id})",
        KeyUsage="ENCRYPT_DECRYPT",
    )
    return str(created["KeyMetadata"]["Arn"])
