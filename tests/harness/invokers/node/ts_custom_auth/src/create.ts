import type { AuthEvent } from "./events";

type CreateEvent = AuthEvent<
  { challengeName: string },
  {
    publicChallengeParameters: Record<string, string>;
    privateChallengeParameters: Record<string, string>;
    challengeMetadata: string;
  }
>;

export const handler = async (event: CreateEvent): Promise<CreateEvent> => {
  const answer = process.env.SECRET_ANSWER ?? "";
  event.response.publicChallengeParameters = { hint: `${answer.length} letters`, user: event.userName };
  event.response.privateChallengeParameters = { answer };
  event.response.challengeMetadata = "SECRET_WORD";
  return event;
};
