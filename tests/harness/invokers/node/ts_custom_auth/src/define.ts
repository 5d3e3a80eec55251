import { attempts, type AuthEvent, type ChallengeResult } from "./events";

type DefineEvent = AuthEvent<
  { session: ChallengeResult[] },
  { challengeName?: string; issueTokens: boolean; failAuthentication: boolean }
>;

export const handler = async (event: DefineEvent): Promise<DefineEvent> => {
  const session = event.request.session;
  const last = session.at(-1);
  if (last?.challengeName === "CUSTOM_CHALLENGE" && last.challengeResult) {
    event.response.issueTokens = true;
    event.response.failAuthentication = false;
  } else if (session.length >= attempts()) {
    event.response.issueTokens = false;
    event.response.failAuthentication = true;
  } else {
    event.response.challengeName = "CUSTOM_CHALLENGE";
    event.response.issueTokens = false;
    event.response.failAuthentication = false;
  }
  console.log(`define: round ${session.length + 1}`);
  return event;
};
