// Signs in to Cognate with amazon-cognito-identity-js (USER_SRP_AUTH), the SRP client
// Amplify v5 used, then refreshes the session and reads the user's attributes.
//
// Input: one JSON object, as the first argument or on stdin:
//   { url, poolId, clientId, username, password,
//     newPassword?  answer NEW_PASSWORD_REQUIRED with this password,
//     refresh?      also run refreshSession (default true),
//     attributes?   also call getUserAttributes (default true) }
// Output: one JSON line. Exit status 0 on success, 1 when a call failed (the line then
// has ok=false and the error's code, name and message), 2 on bad input.
import cognito from 'amazon-cognito-identity-js';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognito;

async function readArgs() {
  if (process.argv[2]) return JSON.parse(process.argv[2]);
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

function print(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

class StageError extends Error {
  constructor(stage, err) {
    super(err?.message ?? String(err));
    this.stage = stage;
    this.code = err?.code ?? null;
    this.errName = err?.name ?? null;
  }
}

function signIn(user, args) {
  const details = new AuthenticationDetails({ Username: args.username, Password: args.password });
  return new Promise((resolve, reject) => {
    let challenged = false;
    const callbacks = {
      onSuccess: (session) => resolve({ session, newPasswordRequired: challenged }),
      onFailure: (err) => reject(new StageError(challenged ? 'completeNewPasswordChallenge' : 'authenticateUser', err)),
      newPasswordRequired: (userAttributes, requiredAttributes) => {
        challenged = true;
        if (!args.newPassword) {
          reject(new StageError('authenticateUser', { code: 'NewPasswordRequired', name: 'NewPasswordRequired', message: JSON.stringify({ userAttributes, requiredAttributes }) }));
          return;
        }
        user.completeNewPasswordChallenge(args.newPassword, {}, callbacks);
      },
      mfaRequired: () => reject(new StageError('authenticateUser', { code: 'MfaRequired', message: 'unexpected SMS_MFA' })),
      totpRequired: () => reject(new StageError('authenticateUser', { code: 'TotpRequired', message: 'unexpected SOFTWARE_TOKEN_MFA' })),
      customChallenge: () => reject(new StageError('authenticateUser', { code: 'CustomChallenge', message: 'unexpected CUSTOM_CHALLENGE' })),
    };
    user.setAuthenticationFlowType('USER_SRP_AUTH');
    user.authenticateUser(details, callbacks);
  });
}

function refresh(user, refreshToken) {
  return new Promise((resolve, reject) => {
    user.refreshSession(refreshToken, (err, session) => (err ? reject(new StageError('refreshSession', err)) : resolve(session)));
  });
}

function attributes(user) {
  return new Promise((resolve, reject) => {
    user.getUserAttributes((err, list) => {
      if (err?.code === 'UnsupportedOperationException') resolve('unsupported');
      else if (err) reject(new StageError('getUserAttributes', err));
      else resolve(Object.fromEntries(list.map((a) => [a.getName(), a.getValue()])));
    });
  });
}

function tokens(session) {
  return {
    idToken: session.getIdToken().getJwtToken(),
    accessToken: session.getAccessToken().getJwtToken(),
    refreshToken: session.getRefreshToken().getToken(),
  };
}

async function main() {
  let args;
  try {
    args = await readArgs();
  } catch (err) {
    print({ ok: false, stage: 'input', message: String(err) });
    return 2;
  }
  const pool = new CognitoUserPool({ UserPoolId: args.poolId, ClientId: args.clientId, endpoint: args.url });
  const user = new CognitoUser({ Username: args.username, Pool: pool });
  try {
    const { session, newPasswordRequired } = await signIn(user, args);
    const result = { ok: true, newPasswordRequired, ...tokens(session) };
    if (args.refresh ?? true) {
      const refreshed = await refresh(user, session.getRefreshToken());
      result.refreshed = tokens(refreshed);
    }
    if (args.attributes ?? true) result.attributes = await attributes(user);
    print(result);
    return 0;
  } catch (err) {
    print({ ok: false, stage: err.stage ?? 'unknown', code: err.code ?? null, name: err.errName ?? err.name ?? null, message: err.message });
    return 1;
  }
}

process.exitCode = await main();
