#!/usr/bin/env bash
# harness-setup: sample.setup.json
# The sample sign-ins as AWS CLI v2 commands against the deployed pool. Replay:
#   harness replay events/replays/aws-cli.sh
# Passwords come from the environment when set (export ALICE_PASSWORD=...), else the demo ones.
set -euo pipefail

POOL=us-east-1_AbCdEf123
CLIENT=1example23456789abcdefghij

# 1. alice, current app: shorthand maps.
# expect: PreAuthentication=validationData PostAuthentication=none PreTokenGeneration=none outcome=tokens
aws cognito-idp admin-initiate-auth --region us-east-1 \
    --user-pool-id "$POOL" --client-id "$CLIENT" \
    --auth-flow ADMIN_USER_PASSWORD_AUTH \
    --auth-parameters USERNAME=alice,PASSWORD="${ALICE_PASSWORD:-Passw0rd!demo}" \
    --client-metadata appVersion=2.1.0,tenant=acme

# 2. wrong password: JSON forms of the same options.
# expect: PreAuthentication=validationData PostAuthentication=not-run error=NotAuthorizedException
aws cognito-idp admin-initiate-auth \
    --user-pool-id "$POOL" --client-id "$CLIENT" \
    --auth-flow ADMIN_USER_PASSWORD_AUTH \
    --auth-parameters '{"USERNAME": "alice", "PASSWORD": "not-her-password"}' \
    --client-metadata '{"appVersion": "2.1.0", "tenant": "acme"}' \
    --output json --no-cli-pager

# 3. legacy-bob migrates on first sign-in: the whole request as --cli-input-json.
# expect: UserMigration=validationData PreAuthentication=not-run outcome=tokens
aws cognito-idp admin-initiate-auth --cli-input-json '{
    "UserPoolId": "us-east-1_AbCdEf123",
    "ClientId": "1example23456789abcdefghij",
    "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
    "AuthParameters": {"USERNAME": "legacy-bob", "PASSWORD": "LegacyPassw0rd!demo"},
    "ClientMetadata": {"appVersion": "2.1.0", "tenant": "acme"}
}'

# 4. a user who exists nowhere.
# expect: UserMigration=validationData error=UserLambdaValidationException
aws cognito-idp admin-initiate-auth --user-pool-id "$POOL" --client-id "$CLIENT" \
    --auth-flow ADMIN_USER_PASSWORD_AUTH \
    --auth-parameters USERNAME=nobody,PASSWORD='Whatever1!' \
    --client-metadata appVersion=2.1.0,tenant=acme

# 5. alice from an app older than the minimum version.
# expect: PreAuthentication=validationData PostAuthentication=not-run error=UserLambdaValidationException
aws cognito-idp admin-initiate-auth --user-pool-id "$POOL" --client-id "$CLIENT" \
    --auth-flow ADMIN_USER_PASSWORD_AUTH \
    --auth-parameters USERNAME=alice,PASSWORD="${ALICE_PASSWORD:-Passw0rd!demo}" \
    --client-metadata appVersion=1.0.0,tenant=acme
