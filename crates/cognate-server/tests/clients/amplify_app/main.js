// The web app of the cognate-server `browser::amplify_sign_in_with_redirect` test: Amplify
// JS v6 configured for a Cognate pool's hosted pages (bundled by amplify_redirect.mjs with
// esbuild). "Sign in" runs signInWithRedirect(); back from the pages it shows the user
// (getCurrentUser, fetchAuthSession, fetchUserAttributes) as JSON in #state, whose
// data-state is "signed-out", "signed-in" or "error" (all of it, with the tokens, is in
// window.appState); "Sign out" runs signOut().
//
// The settings come from window.APP_CONFIG, written into the page by the test:
//   {userPoolId, userPoolClientId, userPoolEndpoint, domain, appUrl}

import { Amplify } from 'aws-amplify';
import { Hub } from 'aws-amplify/utils';
import {
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  signInWithRedirect,
  signOut,
} from 'aws-amplify/auth';
import 'aws-amplify/auth/enable-oauth-listener';

const cfg = window.APP_CONFIG;
const out = document.getElementById('state');

/** Shows `state` (without the tokens) and keeps all of it in window.appState. */
function show(state) {
  const { idToken, refreshToken, ...visible } = state;
  window.appState = state;
  out.textContent = JSON.stringify(visible, null, 2);
  out.dataset.state = state.status;
}

function failed(what, e) {
  show({ status: 'error', error: `${what}: ${e?.name ?? 'Error'}: ${e?.message ?? e}` });
}

/** The signed-in user as Amplify sees it, or signed out. */
async function render() {
  try {
    await getCurrentUser();
  } catch {
    show({ status: 'signed-out' });
    return;
  }
  try {
    const user = await getCurrentUser();
    const { tokens } = await fetchAuthSession();
    const attributes = await fetchUserAttributes();
    const refreshKey = Object.keys(localStorage).find((k) => k.endsWith('.refreshToken'));
    show({
      status: 'signed-in',
      username: user.username,
      userId: user.userId,
      email: tokens?.idToken?.payload.email,
      scope: tokens?.accessToken?.payload.scope,
      attributes,
      idToken: tokens?.idToken?.toString(),
      refreshToken: refreshKey ? localStorage.getItem(refreshKey) : undefined,
    });
  } catch (e) {
    failed('reading the signed-in user', e);
  }
}

// Registered before configure(), which starts completing a redirect sign-in.
Hub.listen('auth', ({ payload }) => {
  if (payload.event === 'signInWithRedirect') render();
  if (payload.event === 'signInWithRedirect_failure') failed('signInWithRedirect', payload.data?.error);
});

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: cfg.userPoolId,
      userPoolClientId: cfg.userPoolClientId,
      userPoolEndpoint: cfg.userPoolEndpoint,
      loginWith: {
        oauth: {
          domain: cfg.domain,
          scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
          redirectSignIn: [cfg.appUrl],
          redirectSignOut: [cfg.appUrl],
          responseType: 'code',
        },
      },
    },
  },
});

document.getElementById('sign-in').addEventListener('click', () => {
  signInWithRedirect().catch((e) => failed('signInWithRedirect', e));
});
document.getElementById('sign-out').addEventListener('click', () => {
  signOut().catch((e) => failed('signOut', e));
});

// Back from the hosted pages, the Hub event above renders once the code is exchanged.
const back = new URL(window.location.href).searchParams;
if (!back.has('code') && !back.has('error')) render();
