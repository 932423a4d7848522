// Applies the reader's chosen colour theme before the page paints (loaded in
// <head>, blocking, and tiny). Without a choice, the system preference rules.
(function () {
  try {
    var t = localStorage.getItem("abide-theme");
    if (t === "dark" || t === "light") document.documentElement.setAttribute("data-theme", t);
  } catch (e) { /* storage disabled: follow the system */ }
})();
