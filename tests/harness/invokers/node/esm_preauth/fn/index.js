// Pre authentication (ES module, async): the app's version arrives in request.validationData
// (the ClientMetadata of AdminInitiateAuth); the rule comes from the layer's app-policy package.
import { isSupported } from "app-policy";

export const handler = async (event) => {
  const metadata = event.request.validationData ?? {};
  console.log(`${event.triggerSource}: appVersion=${metadata.appVersion ?? "-"}`);
  if (metadata.crash === "yes") {
    process.exit(3); // what a runtime crash looks like to Cognito
  }
  if (metadata.sleepMs) {
    await new Promise((resolve) => setTimeout(resolve, Number(metadata.sleepMs)));
  }
  if (!isSupported(metadata.appVersion, process.env.MIN_APP_VERSION)) {
    throw new Error(`App version ${metadata.appVersion ?? "(none)"} is no longer supported`);
  }
  return event;
};
