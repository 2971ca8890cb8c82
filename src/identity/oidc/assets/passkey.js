// Passkey sign-in on the eID pages: asks the server for options, lets the browser's
// authenticator sign, sends the assertion back, then follows the provider.
(function () {
  var button = document.getElementById('passkey');
  var status = document.getElementById('passkey-status');
  if (!button) return;
  if (!window.PublicKeyCredential) { button.hidden = true; return; }
  var uid = button.getAttribute('data-uid');
  function fromB64u(s) { s = s.replace(/-/g, '+').replace(/_/g, '/'); while (s.length % 4) s += '='; var b = atob(s); var a = new Uint8Array(b.length); for (var i = 0; i < b.length; i++) a[i] = b.charCodeAt(i); return a.buffer; }
  function toB64u(buf) { var a = new Uint8Array(buf); var s = ''; for (var i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''); }
  function post(url, body) { return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin', body: JSON.stringify(body) }).then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || r.status); return j; }); }); }
  button.addEventListener('click', function () {
    status.textContent = '';
    post('/oidc/interaction/' + uid + '/passkey/options', {}).then(function (o) {
      var opts = o.options;
      var pk = { challenge: fromB64u(opts.challenge), rpId: opts.rpId, timeout: opts.timeout, userVerification: opts.userVerification,
        allowCredentials: (opts.allowCredentials || []).map(function (c) { return { type: c.type, id: fromB64u(c.id), transports: c.transports }; }) };
      return navigator.credentials.get({ publicKey: pk }).then(function (cred) {
        var r = cred.response;
        return post('/oidc/interaction/' + uid + '/passkey', { challengeId: o.challengeId, response: {
          id: cred.id, rawId: toB64u(cred.rawId), type: cred.type, clientExtensionResults: cred.getClientExtensionResults(),
          response: { clientDataJSON: toB64u(r.clientDataJSON), authenticatorData: toB64u(r.authenticatorData), signature: toB64u(r.signature), userHandle: r.userHandle ? toB64u(r.userHandle) : undefined } } });
      });
    }).then(function (res) { window.location.assign(res.location); })
      .catch(function (e) { status.textContent = button.getAttribute('data-failed') + (e && e.message ? ' (' + e.message + ')' : ''); });
  });
})();
