// Remembered devices with amazon-cognito-identity-js: signs in with USER_SRP_AUTH,
// answering SOFTWARE_TOKEN_MFA when asked; on NewDeviceMetadata the library confirms the
// device itself (ConfirmDevice with its own SRP verifier) and, when the pool wants the
// user asked, the script calls setDeviceStatusRemembered. The device key and password
// live in a storage object saved to a JSON file, so a later run signs in as the same
// device: the library then answers DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER itself.
//
// Input: one JSON object, as the first argument or on stdin:
//   { url, poolId, clientId, username, password, storageFile,
//     totpCode?  the code for SOFTWARE_TOKEN_MFA (the run fails if asked without one),
//     remember?  call setDeviceStatusRemembered when ConfirmDevice says so (default true),
//     refresh?   also run refreshSession, which sends the cached DEVICE_KEY (default false) }
// Output: one JSON line { ok, operations, challenges, userConfirmationNecessary,
// deviceKey, accessToken, idToken, refreshedAccessToken? } or { ok: false, stage, code,
// name, message }. Exit status 0 / 1 / 2 as srp_js.mjs.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

// The Storage interface the library uses (like window.localStorage), kept in a file.
class FileStorage {
  constructor(path) {
    this.path = path;
    this.items = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  }
  save() { writeFileSync(this.path, JSON.stringify(this.items)); }
  setItem(key, value) { this.items[key] = String(value); this.save(); return this.items[key]; }
  getItem(key) { return Object.prototype.hasOwnProperty.call(this.items, key) ? this.items[key] : null; }
  removeItem(key) { delete this.items[key]; this.save(); return true; }
  clear() { this.items = {}; this.save(); return this.items; }
}

class StageError extends Error {
  constructor(stage, err) {
    super(err?.message ?? String(err));
    this.stage = stage;
    this.code = err?.code ?? null;
    this.errName = err?.name ?? null;
  }
}

// Records every operation the library calls and every challenge it is given.
function record(pool) {
  const seen = { operations: [], challenges: [] };
  const request = pool.client.request.bind(pool.client);
  pool.client.request = (operation, params, callback) => request(operation, params, (err, data) => {
    seen.operations.push(operation);
    if (data?.ChallengeName) seen.challenges.push(data.ChallengeName);
    callback(err, data);
  });
  return seen;
}

function signIn(user, args) {
  const details = new AuthenticationDetails({ Username: args.username, Password: args.password });
  return new Promise((resolve, reject) => {
    const fail = (stage) => (err) => reject(new StageError(stage, err));
    const callbacks = {
      onSuccess: (session, userConfirmationNecessary) => {
        if (!userConfirmationNecessary || args.remember === false) {
          resolve({ session, userConfirmationNecessary: Boolean(userConfirmationNecessary) });
          return;
        }
        user.setDeviceStatusRemembered({
          onSuccess: () => resolve({ session, userConfirmationNecessary: true }),
          onFailure: fail('setDeviceStatusRemembered'),
        });
      },
      onFailure: fail('authenticateUser'),
      totpRequired: () => {
        if (!args.totpCode) {
          reject(new StageError('totpRequired', { code: 'TotpRequired', message: 'asked for a TOTP code' }));
          return;
        }
        user.sendMFACode(args.totpCode, { onSuccess: callbacks.onSuccess, onFailure: fail('sendMFACode') }, 'SOFTWARE_TOKEN_MFA');
      },
      mfaSetup: () => reject(new StageError('authenticateUser', { code: 'MfaSetup', message: 'unexpected MFA_SETUP' })),
      mfaRequired: (name) => reject(new StageError('authenticateUser', { code: 'MfaRequired', message: `unexpected ${name}` })),
      selectMFAType: (name) => reject(new StageError('authenticateUser', { code: 'SelectMfaType', message: `unexpected ${name}` })),
      newPasswordRequired: () => reject(new StageError('authenticateUser', { code: 'NewPasswordRequired', message: 'unexpected NEW_PASSWORD_REQUIRED' })),
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

async function main() {
  let args;
  try {
    args = await readArgs();
  } catch (err) {
    print({ ok: false, stage: 'input', message: String(err) });
    return 2;
  }
  const storage = new FileStorage(args.storageFile);
  const pool = new CognitoUserPool({ UserPoolId: args.poolId, ClientId: args.clientId, endpoint: args.url, Storage: storage });
  const seen = record(pool);
  const user = new CognitoUser({ Username: args.username, Pool: pool, Storage: storage });
  try {
    const { session, userConfirmationNecessary } = await signIn(user, args);
    const prefix = `CognitoIdentityServiceProvider.${args.clientId}.${user.getUsername()}`;
    const result = {
      ok: true,
      operations: seen.operations,
      challenges: seen.challenges,
      userConfirmationNecessary,
      deviceKey: storage.getItem(`${prefix}.deviceKey`),
      accessToken: session.getAccessToken().getJwtToken(),
      idToken: session.getIdToken().getJwtToken(),
    };
    if (args.refresh) {
      const refreshed = await refresh(user, session.getRefreshToken());
      result.refreshedAccessToken = refreshed.getAccessToken().getJwtToken();
    }
    print(result);
    return 0;
  } catch (err) {
    print({ ok: false, stage: err.stage ?? 'unknown', code: err.code ?? null, name: err.errName ?? err.name ?? null, message: err.message, operations: seen.operations, challenges: seen.challenges });
    return 1;
  }
}

process.exitCode = await main();
