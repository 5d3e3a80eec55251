# harness-setup: sample.setup.json
# AdminInitiateAuth calls as an app's back end makes them with AWS Tools for PowerShell
# (Start-CGIPAuthAdmin), against the pool us-east-1_AbCdEf123 and its app client.
# Replay: harness replay events/replays/sample.ps1 (demo passwords: sample.setup.json).
Import-Module AWS.Tools.CognitoIdentityProvider
Set-DefaultAWSRegion -Region us-east-1

$pool = 'us-east-1_AbCdEf123'
$client = '1example23456789abcdefghij'

# 1. alice signs in from the current app: ClientMetadata reaches PreAuthentication only.
# expect: PreAuthentication=validationData PostAuthentication=none PreTokenGeneration=none outcome=tokens
$r = Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{USERNAME='alice'; PASSWORD='Passw0rd!demo'} `
    -ClientMetadata @{appVersion='2.1.0'; tenant='acme'}

# 2. the same with a wrong password: PreAuthentication runs, then Cognito refuses.
# expect: PreAuthentication=validationData PostAuthentication=not-run error=NotAuthorizedException
Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{USERNAME='alice'; PASSWORD='not-her-password'} `
    -ClientMetadata @{appVersion='2.1.0'; tenant='acme'}

# 3. legacy-bob is not in the pool yet: UserMigration gets the ClientMetadata as validationData.
# expect: UserMigration=validationData PreAuthentication=not-run outcome=tokens
Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{
        USERNAME = 'legacy-bob'
        PASSWORD = 'LegacyPassw0rd!demo'
    } `
    -ClientMetadata @{appVersion='2.1.0'; tenant='acme'}

# 4. a user who exists nowhere: the migration trigger refuses.
# expect: UserMigration=validationData error=UserLambdaValidationException
Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{USERNAME='nobody'; PASSWORD='Whatever1!'} `
    -ClientMetadata @{appVersion='2.1.0'; tenant='acme'}

# 5. alice from an app older than the minimum version: PreAuthentication refuses.
# expect: PreAuthentication=validationData PostAuthentication=not-run error=UserLambdaValidationException
Start-CGIPAuthAdmin -UserPoolId $pool -ClientId $client -AuthFlow ADMIN_USER_PASSWORD_AUTH `
    -AuthParameter @{USERNAME='alice'; PASSWORD='Passw0rd!demo'} `
    -ClientMetadata @{appVersion='1.0.0'; tenant='acme'}
