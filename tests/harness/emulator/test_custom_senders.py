"""The custom email and SMS sender triggers: dispatched wherever Cognito sends a code, with the
code encrypted under the pool's KMS key, and decrypted by the project's own sender
(triggers/custom_sender.py) with the real aws-encryption-sdk against the emulated KMS.

[D] user-pool-lambda-custom-email-sender, user-pool-lambda-custom-sms-sender.
"""

from __future__ import annotations

import base64
from typing import Any

import aws_encryption_sdk
import pytest
from aws_encryption_sdk.identifiers import CommitmentPolicy

from harness.emulator import Emulator
from harness.emulator.sdk_client import emulated_client
from harness.stack import load_stack
from tests.support.emulator import PROJECT_TEMPLATE, MakeEmulator, without_triggers

PASSWORD = "Correct-Horse-Battery-1!"
CODE = "123456"  # the mfa_code setting: the code the emulator "sends"


@pytest.fixture
def project(make_emulator: MakeEmulator) -> Emulator:
    """The project's stack, without its invitation-gated PreSignUp (which auto-confirms, so
    that a sign-up would send no code)."""
    return make_emulator(without_triggers(load_stack(PROJECT_TEMPLATE), "PreSignUp"))


def outbox(emu: Emulator) -> list[dict[str, Any]]:
    table = emu.trigger_client("dynamodb")
    items = table.scan(TableName=f"{emu.stack.stack_name}-OutboxTable")["Items"]
    return [{k: next(iter(v.values())) for k, v in item.items()} for item in items]


def sign_in(emu: Emulator, username: str) -> dict[str, Any]:
    """A password sign-in with the app version the project's PreAuthentication requires."""
    answer: dict[str, Any] = emulated_client(emu).admin_initiate_auth(
        UserPoolId=emu.user_pool_id,
        ClientId=emu.client_id,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
        ClientMetadata={"appVersion": "2.4.0"},
    )
    return answer


def sender_events(emu: Emulator) -> list[Any]:
    return [i for record in emu.calls for i in record.invocations if "Sender" in i.trigger_source]


def test_sign_up_code_reaches_the_sender_encrypted_and_the_sender_decrypts_it(
    project: Emulator,
) -> None:
    client = emulated_client(project)

    client.sign_up(
        ClientId=project.client_id,
        Username="carol",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "carol@example.com"}],
    )

    (sent,) = sender_events(project)
    assert sent.trigger_source == "CustomEmailSender_SignUp"
    assert sent.error is None
    assert sent.event["request"]["code"] == "[REDACTED]"  # a report never shows it
    (queued,) = outbox(project)
    assert queued["medium"] == "EMAIL"
    assert queued["destination"] == "carol@example.com"
    assert queued["message"] == f"Your confirmation code is {CODE}"


def test_the_code_is_an_encryption_sdk_message_under_the_pools_key(project: Emulator) -> None:
    # Decrypt what the trigger received, as a user's own sender would, with a KMS key
    # provider on the pool's key in the emulated KMS.
    from harness.invokers import InProcessInvoker

    received: list[str] = []
    original = InProcessInvoker.invoke

    def spy(self: Any, function: Any, event: dict[str, Any], timeout: float) -> Any:
        if event["triggerSource"].startswith("CustomEmailSender"):
            received.append(event["request"]["code"])
        return original(self, function, event, timeout)

    mp = pytest.MonkeyPatch()
    mp.setattr(InProcessInvoker, "invoke", spy)
    try:
        project.add_user(
            "dave",
            password=PASSWORD,
            attributes={"email": "d@example.com", "email_verified": "true"},
        )
        emulated_client(project).forgot_password(ClientId=project.client_id, Username="dave")
    finally:
        mp.undo()

    (code,) = received
    message = base64.b64decode(code)
    assert code.startswith("AYAD")  # version 1 message, suite 0x0378, as Cognito sends
    sdk = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_ALLOW_DECRYPT
    )
    assert project.sender_key is not None
    keys = aws_encryption_sdk.StrictAwsKmsMasterKeyProvider(key_ids=[project.sender_key.arn])
    plaintext, header = sdk.decrypt(source=message, key_provider=keys)
    assert plaintext == CODE.encode()
    assert [k.key_provider.key_info.decode() for k in header.encrypted_data_keys] == [
        project.sender_key.arn
    ]
    strict = aws_encryption_sdk.EncryptionSDKClient(
        commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT
    )
    with pytest.raises(aws_encryption_sdk.exceptions.ActionNotAllowedError):
        strict.decrypt(source=message, key_provider=keys)  # as with a real Cognito code


def test_admin_create_user_sends_the_temporary_password(project: Emulator) -> None:
    emulated_client(project).admin_create_user(
        UserPoolId=project.user_pool_id,
        Username="erin",
        TemporaryPassword="Temp-Passw0rd-42!",
        UserAttributes=[{"Name": "email", "Value": "erin@example.com"}],
    )

    (sent,) = sender_events(project)
    assert sent.trigger_source == "CustomEmailSender_AdminCreateUser"
    (queued,) = outbox(project)
    assert queued["message"] == (
        "Your username is erin and your temporary password is Temp-Passw0rd-42!"
    )


def test_a_user_with_only_a_phone_number_gets_the_sms_sender(project: Emulator) -> None:
    project.add_user(
        "frank",
        password=PASSWORD,
        status="UNCONFIRMED",
        attributes={"email": "", "phone_number": "+15555550123"},
    )
    answer = emulated_client(project).resend_confirmation_code(
        ClientId=project.client_id, Username="frank"
    )

    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "SMS"
    (sent,) = sender_events(project)
    assert sent.trigger_source == "CustomSMSSender_ResendCode"
    (queued,) = outbox(project)
    assert (queued["medium"], queued["destination"]) == ("SMS", "+15555550123")
    assert queued["message"] == f"Your confirmation code is {CODE}"


def test_a_failing_sender_does_not_fail_the_call(project: Emulator) -> None:
    # [D] user-pool-lambda-custom-email-sender: Cognito invokes the sender asynchronously.
    project.trigger_client("dynamodb").delete_table(
        TableName=f"{project.stack.stack_name}-OutboxTable"
    )

    answer = emulated_client(project).sign_up(
        ClientId=project.client_id,
        Username="gina",
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": "gina@example.com"}],
    )

    assert answer["UserConfirmed"] is False
    (sent,) = sender_events(project)
    assert sent.error is not None


def test_attribute_update_and_sms_mfa_codes_reach_their_senders(
    make_emulator: MakeEmulator,
) -> None:
    emu = make_emulator(
        without_triggers(load_stack(PROJECT_TEMPLATE), "PreSignUp"),
        overrides={"MfaConfiguration": "OPTIONAL"},
    )
    emu.add_user(
        "hank",
        password=PASSWORD,
        attributes={"email": "h@example.com", "phone_number": "+15555550199"},
        mfa={"sms": True},
    )
    client = emulated_client(emu)

    client.admin_update_user_attributes(
        UserPoolId=emu.user_pool_id,
        Username="hank",
        UserAttributes=[{"Name": "email", "Value": "hank@example.com"}],
    )
    challenge = sign_in(emu, "hank")

    assert challenge["ChallengeName"] == "SMS_MFA"
    assert [i.trigger_source for i in sender_events(emu)] == [
        "CustomEmailSender_UpdateUserAttribute",
        "CustomSMSSender_Authentication",
    ]
    messages = sorted((q["destination"], q["message"]) for q in outbox(emu))
    assert messages == [
        ("+15555550199", f"Your sign-in code is {CODE}"),
        ("hank@example.com", f"Your verification code is {CODE}"),
    ]


def test_attribute_verification_code_reaches_the_sms_sender_and_verifies(
    project: Emulator,
) -> None:
    project.add_user(
        "jo",
        password=PASSWORD,
        attributes={"email": "jo@example.com", "phone_number": "+15555550142"},
    )
    client = emulated_client(project)
    access = sign_in(project, "jo")["AuthenticationResult"]["AccessToken"]

    answer = client.get_user_attribute_verification_code(
        AccessToken=access, AttributeName="phone_number"
    )
    client.verify_user_attribute(AccessToken=access, AttributeName="phone_number", Code=CODE)

    assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "SMS"
    (sent,) = sender_events(project)
    assert sent.trigger_source == "CustomSMSSender_VerifyUserAttribute"
    (queued,) = outbox(project)
    assert (queued["destination"], queued["message"]) == (
        "+15555550142",
        f"Your verification code is {CODE}",
    )
    user = project.find_user("jo")
    assert user is not None
    assert project.user_attributes(user)["phone_number_verified"] == "true"
