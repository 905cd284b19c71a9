// Passkeys (WebAuthn): making one in Settings, signing in with one, and using one as the
// second step of a two-factor sign-in. The server's side is accounts/passkeys.py.
//
// The elements this works on are rendered hidden (data-passkey-supported) and shown only
// when the browser has WebAuthn; without it they stay hidden and the rest of the page
// works as it is. Each is a box with data-passkey ("register", "login", "second-step"),
// the URLs of its two endpoints, its messages (data-error-*), a [data-passkey-start]
// button and a [data-passkey-feedback] live region for what went wrong.
//
// Pages load this file where they need it, and htmx runs it again when it swaps such a
// page in: the second time it only looks for new boxes.
(function () {
  "use strict";

  if (window.boardPasskeys) {
    window.boardPasskeys.enhance(true);
    return;
  }

  var supported = typeof window.PublicKeyCredential === "function" &&
    Boolean(navigator.credentials && navigator.credentials.create);

  // base64url, for browsers without WebAuthn's own JSON helpers.
  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBufferIds(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      return Object.assign({}, descriptor, { id: toBuffer(descriptor.id) });
    });
  }

  function creationOptions(json) {
    if (PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      user: Object.assign({}, json.user, { id: toBuffer(json.user.id) }),
      excludeCredentials: withBufferIds(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    if (PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBuffer(json.challenge),
      allowCredentials: withBufferIds(json.allowCredentials)
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") {
      try {
        return credential.toJSON();
      } catch (error) {
        // Some password managers' credentials fail here: encode them ourselves.
      }
    }
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle);
    }
    return json;
  }

  // The server said no (its message, or none when the answer was not ours).
  function Refusal(message) {
    this.message = message;
  }
  function NetworkError() {}

  // Django rotates the CSRF token at login: read it from the page when sending.
  function csrfToken() {
    var input = document.querySelector("input[name='csrfmiddlewaretoken']");
    if (input && input.value) return input.value;
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(url, body, signal) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      signal: signal,
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfToken()
      },
      body: JSON.stringify(body || {})
    }).catch(function (error) {
      throw error && error.name === "AbortError" ? error : new NetworkError();
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) throw new Refusal(null);
      return response.json().then(function (data) {
        if (!response.ok) throw new Refusal(data && data.error);
        return data;
      });
    });
  }

  function describe(error, box) {
    if (error instanceof Refusal) return error.message || box.dataset.errorGeneric;
    if (error instanceof NetworkError) return box.dataset.errorNetwork;
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "AbortError") return box.dataset.errorCancelled;
    if (name === "InvalidStateError") return box.dataset.errorExists;
    return box.dataset.errorGeneric;
  }

  function show(box, message) {
    var feedback = box.querySelector("[data-passkey-feedback]");
    feedback.replaceChildren();
    if (!message) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-danger py-2 mb-0";
    alert.setAttribute("role", "alert");
    alert.textContent = message;
    feedback.appendChild(alert);
  }

  // Where to go after signing in: the page's safe `next`, which the server checks again.
  function nextQuery() {
    var input = document.querySelector("#main input[name='next']");
    var next = input ? input.value : new URLSearchParams(window.location.search).get("next");
    return next ? "?" + new URLSearchParams({ next: next }).toString() : "";
  }

  function register(box) {
    return post(box.dataset.optionsUrl).then(function (options) {
      return navigator.credentials.create({ publicKey: creationOptions(options) });
    }).then(function (credential) {
      var body = { name: box.dataset.name, credential: credentialJSON(credential) };
      return post(box.dataset.verifyUrl, body);
    });
  }

  // Resolves with the server's answer; `chosen` is called once the member picked a passkey.
  function authenticate(box, conditional, chosen) {
    var signal = conditional ? conditional.signal : undefined;
    return post(box.dataset.optionsUrl, {}, signal).then(function (options) {
      var request = { publicKey: requestOptions(options) };
      if (conditional) {
        request.mediation = "conditional";
        request.signal = signal;
        box.dataset.autofill = "waiting"; // the passkeys are offered in the autofill
      }
      return navigator.credentials.get(request).finally(function () {
        delete box.dataset.autofill;
      });
    }).then(function (credential) {
      if (chosen) chosen();
      var remember = document.querySelector("#main input[name='remember_me']");
      var body = { credential: credentialJSON(credential), remember: Boolean(remember && remember.checked) };
      return post(box.dataset.verifyUrl + nextQuery(), body);
    });
  }

  // The login page offers passkeys in the username field's autofill, where the browser
  // can (conditional mediation). That request waits in the background until a passkey is
  // chosen; it is aborted before anything else is sent (a button's ceremony, the
  // password form, any htmx request), so that it never races a login.
  var waiting = null;

  function stopAutofill() {
    if (waiting) waiting.abort();
    waiting = null;
  }

  function startAutofill(box) {
    var username = document.querySelector("#main input[name='username']");
    var check = PublicKeyCredential.isConditionalMediationAvailable;
    if (!username || waiting || box.dataset.busy || typeof check !== "function") return;
    // Taken at once, so that stopAutofill() also stops a start still asking the browser.
    var controller = waiting = new AbortController();
    var picked = false;
    check.call(PublicKeyCredential).then(function (available) {
      if (!available || controller.signal.aborted || !document.contains(username)) return;
      var tokens = (username.getAttribute("autocomplete") || "username").split(/\s+/);
      if (tokens.indexOf("webauthn") < 0) {
        username.setAttribute("autocomplete", tokens.concat("webauthn").join(" "));
      }
      return authenticate(box, controller, function () { picked = true; }).then(function (answer) {
        window.location.assign(answer.redirect);
      });
    }).catch(function (error) {
      if (waiting === controller) waiting = null;
      // Said only when the member chose a passkey and it was refused. It is not offered
      // again at once (a browser that answers by itself would ask forever): the button,
      // or the next swap of the page, starts again.
      if (!controller.signal.aborted && picked) show(box, describe(error, box));
    });
  }

  function start(box) {
    if (box.dataset.busy) return;
    var button = box.querySelector("[data-passkey-start]");
    stopAutofill();
    box.dataset.busy = "true";
    button.disabled = true;
    show(box, "");
    var ceremony = box.dataset.passkey === "register" ? register(box) : authenticate(box);
    ceremony.then(function (answer) {
      window.location.assign(answer.redirect);
    }).catch(function (error) {
      delete box.dataset.busy;
      button.disabled = false;
      show(box, describe(error, box));
      if (box.dataset.passkey === "login") startAutofill(box);
    });
  }

  // Show what works here (and hide the note saying it would not). After an htmx swap
  // (`settled`), the button that makes a passkey takes the focus: the member just
  // asked for it.
  function enhance(settled) {
    if (!supported) return;
    document.querySelectorAll("[data-passkey-unsupported]").forEach(function (note) {
      note.hidden = true;
    });
    document.querySelectorAll("[data-passkey-supported][hidden]").forEach(function (element) {
      element.hidden = false;
    });
    if (settled) {
      document.querySelectorAll("[data-passkey='register']:not([data-focused])").forEach(function (box) {
        box.setAttribute("data-focused", "");
        box.querySelector("[data-passkey-start]").focus();
      });
    }
    var login = document.querySelector("[data-passkey='login']");
    if (login) startAutofill(login);
  }

  window.boardPasskeys = { enhance: enhance };

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-passkey-start]");
    var box = button && button.closest("[data-passkey]");
    if (box && supported) start(box);
  });
  document.addEventListener("submit", stopAutofill, true);
  document.addEventListener("htmx:beforeRequest", stopAutofill);
  // Shown before htmx's own settling, so that its autofocus and app.js's focus on a
  // refused form find them visible; app.js has the focus first after a swap, then this.
  document.addEventListener("htmx:afterSwap", function () { enhance(false); });
  document.addEventListener("htmx:afterSettle", function () { enhance(true); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(true); });
  } else {
    enhance(true);
  }
})();
