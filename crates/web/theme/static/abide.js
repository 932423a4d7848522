// Abide's progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;

  // Dark/light toggle: shown only when scripts run.
  var toggle = document.querySelector("[data-theme-toggle]");
  if (toggle) {
    var dark = function () {
      var t = root.getAttribute("data-theme");
      if (t) return t === "dark";
      return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    };
    var sync = function () { toggle.setAttribute("aria-pressed", dark() ? "true" : "false"); };
    toggle.hidden = false;
    sync();
    toggle.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem("abide-theme", next); } catch (e) { /* not remembered */ }
      sync();
    });
  }

  // "Copy link" buttons.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
        var label = button.textContent;
        button.textContent = "Link copied";
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });
})();
