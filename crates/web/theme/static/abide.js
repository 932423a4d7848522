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

  // Verse popovers: hovering, focusing or tapping a scripture link shows the
  // passage. The link still leads to the passage page (a second tap, Enter, or
  // any click with a modifier).
  var cache = {};
  var tip = null, owner = null, showTimer = null, hideTimer = null;
  var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

  function fetchPassage(osis) {
    if (!cache[osis]) {
      cache[osis] = fetch("/api/passages/" + encodeURIComponent(osis), { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    }
    return cache[osis];
  }

  function place(link) {
    var r = link.getBoundingClientRect();
    var width = Math.min(380, document.documentElement.clientWidth - 24);
    tip.style.width = width + "px";
    var left = Math.max(12, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 12));
    tip.style.left = left + "px";
    var below = r.bottom + window.scrollY + 8;
    tip.style.top = below + "px";
  }

  function hide() {
    clearTimeout(showTimer);
    if (!tip) return;
    if (owner) owner.removeAttribute("aria-describedby");
    tip.remove();
    tip = null;
    owner = null;
  }

  function show(link) {
    if (owner === link) return;
    hide();
    owner = link;
    tip = document.createElement("div");
    tip.className = "passage-popover";
    tip.id = "passage-popover";
    tip.setAttribute("role", "tooltip");
    tip.textContent = "Loading " + link.textContent + "…";
    // Inside <main>, so the popover belongs to a landmark.
    (document.querySelector("main") || document.body).appendChild(tip);
    link.setAttribute("aria-describedby", tip.id);
    place(link);
    var mine = tip;
    fetchPassage(link.getAttribute("data-osis")).then(function (p) {
      if (tip !== mine) return;
      tip.textContent = "";
      var title = document.createElement("p");
      title.className = "popover-title";
      title.textContent = p.reference + " (" + p.translation.abbreviation + ")";
      tip.appendChild(title);
      var body = document.createElement("p");
      body.className = "popover-text";
      p.verses.forEach(function (v) {
        var n = document.createElement("sup");
        n.textContent = v.number + " ";
        body.appendChild(n);
        body.appendChild(document.createTextNode(v.text + " "));
      });
      tip.appendChild(body);
      if (p.truncated) {
        var more = document.createElement("p");
        more.className = "popover-more";
        more.textContent = "Continues on the passage page.";
        tip.appendChild(more);
      }
      place(link);
    }).catch(function () {
      if (tip === mine) tip.textContent = "Open " + link.textContent + " to read it.";
    });
  }

  document.querySelectorAll("a.ref[data-osis]").forEach(function (link) {
    link.addEventListener("mouseenter", function () {
      clearTimeout(hideTimer);
      showTimer = setTimeout(function () { show(link); }, 250);
    });
    link.addEventListener("mouseleave", function () {
      clearTimeout(showTimer);
      hideTimer = setTimeout(hide, 200);
    });
    link.addEventListener("focus", function () { show(link); });
    link.addEventListener("blur", function () { hideTimer = setTimeout(hide, 100); });
    link.addEventListener("click", function (e) {
      // On touch screens the first tap shows the verse; the second follows the link.
      if (coarse && owner !== link && !e.metaKey && !e.ctrlKey) {
        e.preventDefault();
        show(link);
      }
    });
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide(); });
  document.addEventListener("click", function (e) {
    if (tip && !tip.contains(e.target) && (!owner || !owner.contains(e.target))) hide();
  });
  window.addEventListener("resize", function () { if (owner && tip) place(owner); });

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

  // A new member's time zone: the browser knows it better than the site's
  // default, unless the reader changed the field already.
  document.querySelectorAll("[data-detect-time-zone]").forEach(function (input) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && input.value === input.defaultValue) input.value = zone;
    } catch (e) { /* keep the site's zone */ }
  });
})();
