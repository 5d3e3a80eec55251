// The parts of Cognito's custom-auth events these handlers read (a real project would use
// @types/aws-lambda; esbuild strips the types either way).
export interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}

export interface AuthEvent<Req, Res> {
  triggerSource: string;
  userName: string;
  request: Req & { userAttributes: Record<string, string>; clientMetadata?: Record<string, string> };
  response: Res;
}

export const attempts = (): number => Number.parseInt(process.env.MAX_ATTEMPTS ?? "3", 10);
