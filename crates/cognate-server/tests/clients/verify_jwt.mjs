// Verifies Cognate's ID and access tokens with `jose` against the JWKS the server
// publishes at `${url}/${poolId}/.well-known/jwks.json`.
//
// Input: one JSON object, as the first argument or on stdin:
//   { url, poolId, clientId, idToken?, accessToken? }
// The ID token must carry iss = `${url}/${poolId}`, aud = clientId and token_use = id;
// the access token iss = `${url}/${poolId}`, client_id = clientId and token_use = access.
// Output: one JSON line with the verified payloads. Exit status 0 when every given token
// verified, 1 otherwise (ok=false with the error's code and message), 2 on bad input.
import { createRemoteJWKSet, jwtVerify } from 'jose';

async function readArgs() {
  if (process.argv[2]) return JSON.parse(process.argv[2]);
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return JSON.parse(text);
}

function print(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main() {
  let args;
  try {
    args = await readArgs();
  } catch (err) {
    print({ ok: false, stage: 'input', message: String(err) });
    return 2;
  }
  const issuer = `${args.url}/${args.poolId}`;
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  const result = { ok: true };
  let stage = 'idToken';
  try {
    if (args.idToken) {
      const { payload, protectedHeader } = await jwtVerify(args.idToken, jwks, {
        issuer,
        audience: args.clientId,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp', 'iat', 'token_use'],
      });
      if (payload.token_use !== 'id') throw Object.assign(new Error(`token_use is ${payload.token_use}`), { code: 'TOKEN_USE' });
      result.id = { header: protectedHeader, payload };
    }
    stage = 'accessToken';
    if (args.accessToken) {
      const { payload, protectedHeader } = await jwtVerify(args.accessToken, jwks, {
        issuer,
        algorithms: ['RS256'],
        requiredClaims: ['sub', 'exp', 'iat', 'token_use', 'client_id'],
      });
      if (payload.token_use !== 'access') throw Object.assign(new Error(`token_use is ${payload.token_use}`), { code: 'TOKEN_USE' });
      if (payload.client_id !== args.clientId) throw Object.assign(new Error(`client_id is ${payload.client_id}`), { code: 'CLIENT_ID' });
      result.access = { header: protectedHeader, payload };
    }
  } catch (err) {
    print({ ok: false, stage, code: err.code ?? null, name: err.name ?? null, message: err.message });
    return 1;
  }
  print(result);
  return 0;
}

process.exitCode = await main();
