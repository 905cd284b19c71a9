// Progressive enhancement on top of htmx. The app works without this file.
(function () {
  "use strict";

  // Django rotates the CSRF token at login and logout, so a token written into the page
  // earlier can be stale after an in-place swap. Read the current one from the cookie
  // at request time and send it both ways Django accepts it.
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (!token || event.detail.verb === "get") return;
    event.detail.headers["X-CSRFToken"] = token;
    if (event.detail.parameters && "csrfmiddlewaretoken" in event.detail.parameters) {
      event.detail.parameters.csrfmiddlewaretoken = token;
    }
  });

  // The server could not be reached at all (the network or the server is down): say so
  // where messages appear. The page, and anything typed into it, stays as it was.
  document.addEventListener("htmx:sendError", function () {
    var messages = document.getElementById("messages");
    if (!messages) return;
    var alert = document.createElement("div");
    alert.className = "alert alert-danger py-2";
    alert.setAttribute("role", "alert");
    alert.textContent = messages.dataset.sendError;
    messages.replaceChildren(alert);
    messages.scrollIntoView({ block: "nearest" });
  });

  // A refusal or an apology (403, 404, 503...) is swapped into the flash area at the top
  // of the page: bring it into view, since the form that was sent may be far below.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var xhr = event.detail.xhr;
    if (target && target.id === "messages" && xhr && xhr.status >= 400) {
      target.scrollIntoView({ block: "nearest" });
    }
  });

  // After a swap, put the keyboard focus where the user's attention should go: the first
  // invalid field (or the form's error) after a refused submission, else the new heading.
  document.addEventListener("htmx:afterSettle", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 422) {
      var invalid = document.querySelector("#main [aria-invalid='true'], #main [role='alert']");
      if (invalid) {
        if (!invalid.matches("input, select, textarea")) invalid.setAttribute("tabindex", "-1");
        invalid.focus();
      }
      return;
    }
    var target = event.detail.target;
    if (target && target.id === "settings-panel") {
      // A question in a settings section puts the focus on its safe choice (a link or
      // button with autofocus; a form's autofocused field waits for its heading).
      var safeChoice = target.querySelector("a[autofocus], button[autofocus]");
      if (safeChoice) {
        safeChoice.focus();
        return;
      }
    }
    if (target && (target.id === "main" || target.id === "settings-panel")) {
      var heading = target.querySelector("h1") || target;
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
      if (target.id === "main") window.scrollTo(0, 0);
    }
  });
  // Each flash message gets a button that dismisses it (without JavaScript they stay
  // until the next page, which is when they go anyway).
  function addDismissButtons() {
    var messages = document.getElementById("messages");
    if (!messages) return;
    messages.querySelectorAll(".alert").forEach(function (alert) {
      if (alert.querySelector(".btn-close")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn-close";
      button.setAttribute("aria-label", messages.dataset.dismiss || "Dismiss");
      alert.classList.add("alert-dismissible");
      alert.appendChild(button);
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("#messages .btn-close");
    if (button) button.closest(".alert").remove();
  });

  // A "Show password" button under each password field: the password can be checked
  // before it is sent. It shows the text while pressed (aria-pressed) and hides it again
  // when the form is sent, so no browser offers to remember it as plain text.
  function addPasswordToggles() {
    var body = document.body;
    document.querySelectorAll("input[type='password']:not([data-toggle-added])").forEach(function (input) {
      input.setAttribute("data-toggle-added", "");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0 password-toggle";
      button.setAttribute("aria-controls", input.id);
      button.setAttribute("aria-pressed", "false");
      button.textContent = body.dataset.showPassword;
      button.addEventListener("click", function () {
        var shown = input.type === "password";
        input.type = shown ? "text" : "password";
        button.setAttribute("aria-pressed", String(shown));
        button.textContent = shown ? body.dataset.hidePassword : body.dataset.showPassword;
      });
      var field = input.closest(".mb-3") || input.parentElement;
      field.appendChild(button);
    });
  }
  document.addEventListener("submit", function (event) {
    event.target.querySelectorAll("input[data-toggle-added]").forEach(function (input) {
      input.type = "password";
    });
  }, true);

  // Times (core/templatetags/times.py): in the member's chosen time zone (the navbar's
  // data-time-zone), else the browser's, in the page's language; recent ones as
  // "3 hours ago", with the full date and time as the tooltip.
  var RELATIVE_UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800],
    ["day", 86400], ["hour", 3600], ["minute", 60]];
  var RELATIVE_LIMIT = 7 * 86400; // older: the date itself

  function dateFormat(language) {
    var navbar = document.getElementById("navbar");
    var zone = (navbar && navbar.dataset.timeZone) || undefined;
    var options = { dateStyle: "medium", timeStyle: "short", timeZone: zone };
    try {
      return new Intl.DateTimeFormat(language, options);
    } catch (error) {
      delete options.timeZone; // a zone this browser does not know: its own
      return new Intl.DateTimeFormat(language, options);
    }
  }

  function showTimes() {
    var language = document.documentElement.lang || undefined;
    var absolute = dateFormat(language);
    var relative = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
    document.querySelectorAll("time[data-time]").forEach(function (element) {
      var when = new Date(element.getAttribute("datetime"));
      if (isNaN(when.getTime())) return;
      var full = absolute.format(when);
      var seconds = (when.getTime() - Date.now()) / 1000;
      var text = full;
      if (element.dataset.time === "relative" && Math.abs(seconds) < RELATIVE_LIMIT) {
        text = relative.format(0, "second"); // "now"
        for (var i = 0; i < RELATIVE_UNITS.length; i++) {
          var unit = RELATIVE_UNITS[i];
          if (Math.abs(seconds) >= unit[1]) {
            text = relative.format(Math.round(seconds / unit[1]), unit[0]);
            break;
          }
        }
      }
      if (element.textContent !== text) element.textContent = text;
      element.title = full;
    });
  }
  window.setInterval(showTimes, 60000); // "2 minutes ago" stays true

  function enhance() {
    addDismissButtons();
    addPasswordToggles();
    showTimes();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhance);
  else enhance();
  // After every swap, out-of-band parts (the messages) included.
  document.addEventListener("htmx:afterSettle", enhance);

  // The account menu (a <details> in the navbar) closes on a click outside it, and on
  // Escape, which gives the focus back to its button.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = document.querySelector("details.user-menu[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  // Live validation (signup) replaces a field's feedback block: keep the field's
  // aria-invalid, aria-describedby and styling in step with it.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll(".field-feedback[data-for]").forEach(function (feedback) {
      var input = document.getElementById(feedback.dataset.for);
      if (!input) return;
      var error = feedback.querySelector(".invalid-feedback");
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && !/_error$/.test(id);
      });
      if (error) {
        input.setAttribute("aria-invalid", "true");
        described.push(error.id);
      } else {
        input.removeAttribute("aria-invalid");
      }
      input.classList.toggle("is-invalid", Boolean(error));
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
    });
  });
})();
