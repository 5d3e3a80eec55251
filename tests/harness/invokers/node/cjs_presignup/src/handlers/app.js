// Pre sign-up (CommonJS, callback style): an invitation code in request.validationData,
// checked against the invites table, auto-confirms the user; no code or an unknown one fails.
const { DynamoDBClient, GetItemCommand } = require("@aws-sdk/client-dynamodb");
const { describeEvent } = require("../lib/describe");

// Created once per execution environment, as Lambda's cold start does.
const dynamodb = new DynamoDBClient({});
console.log("cold start", process.env.AWS_LAMBDA_FUNCTION_NAME, process.env.GREETING_STYLE);

exports.handler = (event, context, callback) => {
  console.log(describeEvent(event), "left", context.getRemainingTimeInMillis() > 0);
  const code = (event.request.validationData || {}).invitationCode;
  if (!code) {
    callback(new Error("An invitation code is required"));
    return;
  }
  dynamodb
    .send(new GetItemCommand({ TableName: process.env.INVITES_TABLE, Key: { code: { S: code } } }))
    .then(({ Item }) => {
      if (!Item || Item.email.S !== event.request.userAttributes.email) {
        callback(new Error(`Invitation ${code} is not for this address`));
        return;
      }
      event.response.autoConfirmUser = true;
      event.response.autoVerifyEmail = true;
      callback(null, event);
    })
    .catch(callback);
};
