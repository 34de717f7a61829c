// Cognate hosted pages: passkey sign-in and registration with the WebAuthn API. The
// form carries the options in data-options (JSON); on submit this script asks the
// browser for the passkey, puts the answer in the form's `credential` field as JSON and
// sends the form. Everything else on the pages works without JavaScript.
(function () {
  'use strict';

  function toBuffer(b64url) {
    var s = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var bin = '';
    for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function withIds(list) {
    return (list || []).map(function (c) {
      return Object.assign({}, c, { id: toBuffer(c.id) });
    });
  }

  function requestOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      allowCredentials: withIds(json.allowCredentials),
    });
  }

  function creationOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      user: Object.assign({}, json.user, { id: toBuffer(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials),
    });
  }

  function credentialJSON(cred) {
    if (typeof cred.toJSON === 'function') return cred.toJSON();
    var r = cred.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = typeof r.getTransports === 'function' ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    return {
      id: cred.id,
      rawId: toBase64url(cred.rawId),
      type: cred.type,
      authenticatorAttachment: cred.authenticatorAttachment || undefined,
      response: response,
      clientExtensionResults: cred.getClientExtensionResults(),
    };
  }

  function start(form) {
    var error = form.querySelector('[data-passkey-error]');
    var options = JSON.parse(form.getAttribute('data-options'));
    var mode = form.getAttribute('data-passkey');
    var ask = mode === 'create'
      ? navigator.credentials.create({ publicKey: creationOptions(options.publicKey || options) })
      : navigator.credentials.get({ publicKey: requestOptions(options.publicKey || options) });
    ask.then(function (cred) {
      form.querySelector('input[name=credential]').value = JSON.stringify(credentialJSON(cred));
      form.submit();
    }).catch(function (e) {
      if (error) {
        error.hidden = false;
        error.textContent = form.getAttribute('data-failed') + (e && e.name ? ' (' + e.name + ')' : '');
      }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var forms = document.querySelectorAll('form[data-passkey]');
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if (!window.PublicKeyCredential) {
        var error = form.querySelector('[data-passkey-error]');
        if (error) {
          error.hidden = false;
          error.textContent = form.getAttribute('data-unsupported');
        }
        continue;
      }
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        start(event.target);
      });
    }
  });
})();
