// Signs in to Cognate with amazon-cognito-identity-js (USER_SRP_AUTH) through TOTP MFA:
// either answers SOFTWARE_TOKEN_MFA with a given code (totpRequired -> sendMFACode), or
// sets the software token up during sign-in (mfaSetup -> associateSoftwareToken ->
// verifySoftwareToken), computing the code from the secret with its own RFC 6238 code.
//
// Input: one JSON object, as the first argument or on stdin:
//   { url, poolId, clientId, username, password,
//     totpCode?    the code for SOFTWARE_TOKEN_MFA,
//     now?         epoch seconds of the server clock, for codes computed here,
//     deviceName?  FriendlyDeviceName for verifySoftwareToken }
// Output: one JSON line { ok, challenges, secret?, idToken, accessToken } or
// { ok: false, stage, code, name, message }. Exit status 0 / 1 / 2 as srp_js.mjs.
import { createHmac } from 'node:crypto';
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

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

// RFC 6238 with HMAC-SHA-1, 6 digits, 30-second steps.
function totp(secretBase32, epochSeconds) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(epochSeconds / 30)));
  const digest = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
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
  const challenges = [];
  let secret = null;
  return new Promise((resolve, reject) => {
    const fail = (stage) => (err) => reject(new StageError(stage, err));
    const callbacks = {
      onSuccess: (session) => resolve({ session, challenges, secret }),
      onFailure: fail('authenticateUser'),
      totpRequired: (name) => {
        challenges.push(name);
        if (!args.totpCode) {
          reject(new StageError('totpRequired', { code: 'NoCode', message: 'no totpCode given' }));
          return;
        }
        user.sendMFACode(args.totpCode, { onSuccess: callbacks.onSuccess, onFailure: fail('sendMFACode') }, 'SOFTWARE_TOKEN_MFA');
      },
      mfaSetup: (name) => {
        challenges.push(name);
        user.associateSoftwareToken({
          associateSecretCode: (secretCode) => {
            secret = secretCode;
            const code = totp(secretCode, args.now ?? Date.now() / 1000);
            user.verifySoftwareToken(code, args.deviceName ?? 'node', {
              onSuccess: callbacks.onSuccess,
              onFailure: fail('verifySoftwareToken'),
            });
          },
          onFailure: fail('associateSoftwareToken'),
        });
      },
      mfaRequired: (name) => reject(new StageError('authenticateUser', { code: 'MfaRequired', message: `unexpected ${name}` })),
      selectMFAType: (name) => reject(new StageError('authenticateUser', { code: 'SelectMfaType', message: `unexpected ${name}` })),
      newPasswordRequired: () => reject(new StageError('authenticateUser', { code: 'NewPasswordRequired', message: 'unexpected NEW_PASSWORD_REQUIRED' })),
    };
    user.setAuthenticationFlowType('USER_SRP_AUTH');
    user.authenticateUser(details, callbacks);
  });
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
    const { session, challenges, secret } = await signIn(user, args);
    print({
      ok: true,
      challenges,
      secret,
      idToken: session.getIdToken().getJwtToken(),
      accessToken: session.getAccessToken().getJwtToken(),
    });
    return 0;
  } catch (err) {
    print({ ok: false, stage: err.stage ?? 'unknown', code: err.code ?? null, name: err.errName ?? err.name ?? null, message: err.message });
    return 1;
  }
}

process.exitCode = await main();
