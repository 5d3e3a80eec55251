"""Work the emulator's start does ahead (the pool key) or later (moto's) is the same work.

The pool's RSA key generated on a thread while the command starts (harness.emulator.
key_prefetch) goes to one pool only; moto's deferred work (harness.emulator.moto_work) gives
the answers moto gives; botocore's files are parsed once per process (harness.cognito.
botocore_data). What each saves is measured in bench/ (issue 12), not here.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from joserfc import jwk, jwt
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count
from moto.kms.models import kms_backends

from harness.emulator import Emulator, key_prefetch
from harness.emulator.moto_work import KeyPairOnFirstUse
from harness.emulator.tokens import public_jwks
from tests.support.emulator import PASSWORD
from tests.support.paths import ROOT

NOOP = ROOT / "bench" / "noop" / "template.yaml"


def _public(private: object) -> dict[str, object]:
    return jwk.RSAKey(private, private).as_dict(private=False)  # type: ignore[arg-type]


def test_the_prefetched_key_signs_one_pool_and_the_next_pool_gets_a_new_one() -> None:
    key_prefetch.prefetch()
    pending = key_prefetch._pending
    assert pending is not None
    prefetched = _public(pending.result(timeout=30))
    with Emulator(NOOP) as first, Emulator(NOOP) as second:
        keys = [public_jwks(emu.pool)["keys"][0] for emu in (first, second)]
        first.add_user("alice", password=PASSWORD)
        token, _ = first.pool.create_jwt(first.client_id, "alice", "id")
    assert {name: keys[0][name] for name in ("n", "e")} == {
        name: prefetched[name] for name in ("n", "e")
    }
    assert keys[1]["n"] != keys[0]["n"]  # taken once: the second pool generated its own
    assert key_prefetch._pending is None
    claims = jwt.decode(token, jwk.KeySet.import_key_set({"keys": keys[:1]})).claims
    assert claims["cognito:username"] == "alice"
    assert (keys[0]["kid"], keys[0]["alg"], keys[0]["use"]) == ("dummy", "RS256", "sig")


def test_a_failed_prefetch_leaves_the_pool_to_generate_its_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = key_prefetch.generate
    calls: list[str] = []

    def failing_once() -> object:
        calls.append("generate")
        if len(calls) == 1:
            raise MemoryError("no entropy today")
        return real()

    monkeypatch.setattr(key_prefetch, "generate", failing_once)
    key_prefetch.prefetch()
    key = key_prefetch.take()
    assert calls == ["generate", "generate"]
    assert key.key_size == 2048


def test_moto_still_checks_iam_once_its_authorization_is_turned_on() -> None:
    # The IAM checker is imported only once authorization is on; when it is, moto refuses a
    # caller without permissions as before (moto's own switch: the decorator).
    @set_initial_no_auth_action_count(0)
    def refused() -> None:
        with mock_aws():
            boto3.client("dynamodb").list_tables()

    with pytest.raises(ClientError) as refusal:
        refused()
    assert refusal.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "InvalidClientTokenId" in refusal.value.response["Error"]["Message"]


@pytest.mark.slow
def test_requests_moto_dispatches_do_not_import_its_iam_checker_while_authorization_is_off() -> (
    None
):
    script = (
        "import sys, boto3\n"
        "from moto import mock_aws\n"
        "import harness.emulator.pool\n"
        "with mock_aws():\n"
        "    boto3.client('dynamodb', region_name='us-east-1').list_tables()\n"
        "from moto.core.authorization import ActionAuthenticatorMixin as m\n"
        "print(m.request_count, 'moto.iam.access_control' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.split() == ["1", "False"]  # counted as moto counts it; not imported


def test_a_kms_keys_rsa_pair_is_generated_when_first_used_and_signs_as_before() -> None:
    with mock_aws():
        kms = boto3.client("kms")
        symmetric = kms.create_key(KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]["KeyId"]
        signing = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]["KeyId"]
        backend = kms_backends["123456789012"]["us-east-1"]
        pairs = {key_id: backend.keys[key_id].private_key for key_id in (symmetric, signing)}
        assert all(isinstance(pair, KeyPairOnFirstUse) for pair in pairs.values())
        assert not any(pair.generated for pair in pairs.values())
        sealed = kms.encrypt(KeyId=symmetric, Plaintext=b"code")["CiphertextBlob"]
        assert kms.decrypt(CiphertextBlob=sealed)["Plaintext"] == b"code"
        assert not pairs[symmetric].generated  # encryption never needs it

        unseen = copy.deepcopy(pairs[signing])  # (a snapshot before any use)
        signature = kms.sign(
            KeyId=signing, Message=b"m", SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256"
        )["Signature"]
        assert pairs[signing].generated
        assert not unseen.generated
        der = kms.get_public_key(KeyId=signing)["PublicKey"]
        public = serialization.load_der_public_key(der)
        public.verify(signature, b"m", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr, call-arg]
        assert kms.verify(
            KeyId=signing,
            Message=b"m",
            Signature=signature,
            SigningAlgorithm="RSASSA_PKCS1_V1_5_SHA_256",
        )["SignatureValid"]
        seen = copy.deepcopy(pairs[signing])  # (a snapshot after: the same key)
        assert seen.public_key() == pairs[signing].public_key()


@pytest.mark.slow
def test_botocore_files_are_parsed_once_for_every_session_of_a_command(tmp_path: Path) -> None:
    # moto's regions, moto's request parsing, the request checks, a boto3 client and the
    # harness's own model reads each parsed the same JSON files again.
    script = (
        "import json, sys, boto3, botocore.loaders, botocore.session\n"
        "from moto import mock_aws\n"
        "loads = []\n"
        "real = botocore.loaders.JSONFileLoader.load_file\n"
        "def load_file(self, path):\n"
        "    data = real(self, path)\n"
        "    if data is not None: loads.append(path.split('/data/')[-1])\n"
        "    return data\n"
        "botocore.loaders.JSONFileLoader.load_file = load_file\n"
        "from harness.cognito.botocore_data import api_model, share_models\n"
        "share_models()\n"
        "import harness.emulator.pool\n"
        "from moto.core.utils import get_service_model\n"
        "from moto.dynamodb.models import dynamodb_backends\n"
        "with mock_aws():\n"
        "    dynamodb_backends['123456789012']['us-east-1']\n"
        "    boto3.client('dynamodb', region_name='us-east-1').list_tables()\n"
        "    botocore.session.get_session().get_service_model('dynamodb')\n"
        "    get_service_model('dynamodb')\n"
        "    api_model('dynamodb')\n"
        "print(json.dumps(loads))\n"
    )
    # (botocore's default data path: AWS_DATA_PATH, which the AWS CLI sets, adds folders)
    environment = {name: value for name, value in os.environ.items() if name != "AWS_DATA_PATH"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=environment,
    )
    loads = json.loads(done.stdout)
    assert loads.count("endpoints") == 1
    models = [path for path in loads if path.startswith("dynamodb/") and "service-2" in path]
    assert len(models) == 1


@pytest.mark.parametrize("service", ["cognito-idp", "dynamodb", "kms", "ses", "iam", "no-such"])
def test_moto_lists_each_services_regions_as_a_boto3_session_lists_them(service: str) -> None:
    from moto.core.base_backend import AccountSpecificBackend

    session = boto3.Session()
    expected = [
        region
        for partition in session.get_available_partitions()
        for region in session.get_available_regions(service, partition_name=partition)
    ]
    backend = AccountSpecificBackend(service, "123456789012", object, True, ["local-1"])
    assert backend.regions == [*expected, "local-1"]
