import type { AuthEvent } from "./events";

type VerifyEvent = AuthEvent<
  { privateChallengeParameters: Record<string, string>; challengeAnswer: string },
  { answerCorrect: boolean }
>;

export const handler = async (event: VerifyEvent): Promise<VerifyEvent> => {
  const expected = event.request.privateChallengeParameters.answer;
  // The Respond call's ClientMetadata reaches Verify as request.clientMetadata.
  const channel = event.request.clientMetadata?.channel ?? "none";
  console.log(`verify: channel=${channel}`);
  if (channel === "blocked") {
    throw new Error("Answers from this channel are not accepted");
  }
  event.response.answerCorrect = event.request.challengeAnswer === expected;
  return event;
};
