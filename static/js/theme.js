// The colour theme: light, dark, or the system's (Bootstrap 5.3 colour modes).
// Loaded in <head> without `defer`, so the theme is set before the page is painted: no
// flash of the wrong theme. The choice is kept in this browser (localStorage); without
// JavaScript the page is light and the switch stays hidden.
(function () {
  "use strict";
  var KEY = "board-theme";
  var THEMES = ["light", "dark", "auto"];
  var dark = window.matchMedia("(prefers-color-scheme: dark)");

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return THEMES.indexOf(value) >= 0 ? value : "auto";
    } catch (error) {
      return "auto"; // storage refused (private mode, blocked cookies)
    }
  }

  function apply(choice) {
    var theme = choice === "auto" ? (dark.matches ? "dark" : "light") : choice;
    document.documentElement.setAttribute("data-bs-theme", theme);
    document.querySelectorAll("[data-theme-value]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.themeValue === choice));
    });
  }

  apply(stored());
  dark.addEventListener("change", function () {
    if (stored() === "auto") apply("auto");
  });

  function showSwitch() {
    document.querySelectorAll("[data-theme-switch]").forEach(function (element) {
      element.hidden = false;
    });
    apply(stored());
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", showSwitch);
  else showSwitch();
  // The footer is not swapped by htmx, but a whole page restored from history is new.
  document.addEventListener("htmx:afterSettle", showSwitch);

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-value]");
    if (!button) return;
    try {
      window.localStorage.setItem(KEY, button.dataset.themeValue);
    } catch (error) {
      // Not kept, but applied to this page all the same.
    }
    apply(button.dataset.themeValue);
  });
})();
