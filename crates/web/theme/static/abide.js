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
  // Search as you type: the search page asks /api/search after each pause in
  // typing and shows the answer in place (announced by its status line);
  // Arrow Down moves from the box into the results. Without this, the form
  // submits and the page answers the same.
  var searchForm = document.querySelector("[data-search]");
  var searchBox = document.querySelector("[data-search-input]");
  var searchOut = document.querySelector("[data-search-results]");
  var announce = document.querySelector("[data-search-announce]");
  if (searchForm && searchBox && searchOut && window.fetch) {
    var pending = null, timer = null, asked = searchBox.value;
    var el = function (tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text != null) e.textContent = text;
      return e;
    };
    var link = function (href, text) { var a = el("a", null, text); a.href = href; return a; };
    var render = function (d) {
      searchOut.textContent = "";
      var status = el("p", "lede");
      status.setAttribute("data-search-status", "");
      status.textContent = d.total === 0 ? "No readings match \u201c" + d.query + "\u201d." :
        (d.total === 1 ? "1 reading" : d.total + " readings") +
        (d.relaxed ? " hold some of these words (none holds them all)" : "") + ".";
      searchOut.appendChild(status);
      // Said once by screen readers, from a region that stays in the page.
      if (announce) announce.textContent = status.textContent;
      if (d.passage) {
        var p = el("section", "key-passage search-passage");
        var h = el("h2", "eyebrow"); h.appendChild(link(d.passage.url, d.passage.reference)); p.appendChild(h);
        p.appendChild(el("p", null, d.passage.text + (d.passage.more ? " \u2026" : "")));
        var m = el("p", "card-meta"); m.appendChild(link(d.passage.url, "Read " + d.passage.reference));
        m.appendChild(document.createTextNode(" \u00b7 " + d.passage.translation)); p.appendChild(m);
        searchOut.appendChild(p);
      }
      if (d.entries.length) {
        var ol = el("ol", "search-hits");
        d.entries.forEach(function (e) {
          var li = el("li", "card");
          var meta = el("p", "card-meta"); meta.appendChild(link(e.journey_url, e.journey_title));
          if (e.cites === "key") { meta.appendChild(document.createTextNode(" \u00b7 ")); meta.appendChild(el("span", "badge", "Key passage")); }
          else if (e.cites === "inline") meta.appendChild(document.createTextNode(" \u00b7 cites it"));
          if (e.members_only) { meta.appendChild(document.createTextNode(" ")); meta.appendChild(el("span", "badge", "Members")); }
          li.appendChild(meta);
          var h2 = el("h2", "card-title"); var a = link(e.url, "");
          a.innerHTML = e.title_html; // escaped by the server, marks only
          h2.appendChild(a); li.appendChild(h2);
          if (e.key_passage) li.appendChild(el("p", "card-passage", e.key_passage));
          var sn = el("p", "card-summary"); sn.innerHTML = e.snippet_html; li.appendChild(sn);
          ol.appendChild(li);
        });
        searchOut.appendChild(ol);
        if (d.pages > 1) {
          var more = el("p", "pager"); more.appendChild(link("/search?" + new URLSearchParams(new FormData(searchForm)).toString() + "&page=2", "More readings"));
          searchOut.appendChild(more);
        }
      }
      if (d.verses.length) {
        var sec = el("section");
        sec.appendChild(el("h2", null, "In the Bible"));
        sec.appendChild(el("p", "card-meta", d.verses_total + (d.verses_total === 1 ? " verse" : " verses") + " of the " + d.verses_translation));
        var ul = el("ul", "verse-hits");
        d.verses.forEach(function (v) {
          var li = el("li"); li.appendChild(link(v.url, v.reference));
          var t = el("span"); t.innerHTML = " " + v.html; li.appendChild(t); ul.appendChild(li);
        });
        sec.appendChild(ul);
        searchOut.appendChild(sec);
      }
    };
    var ask = function () {
      var q = searchBox.value;
      if (q === asked) return;
      asked = q;
      if (pending) pending.abort();
      if (!q.trim()) { searchOut.textContent = ""; return; }
      var params = new URLSearchParams(new FormData(searchForm));
      pending = new AbortController();
      fetch("/api/search?" + params.toString(), { headers: { Accept: "application/json" }, signal: pending.signal })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) {
          render(d);
          try { history.replaceState(null, "", "/search?" + params.toString()); } catch (e) { /* address unchanged */ }
        })
        .catch(function (e) {
          // The form still submits; say why in the console.
          if (e && e.name !== "AbortError" && window.console) console.warn("search:", e);
        });
    };
    searchBox.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 150);
    });
    searchForm.addEventListener("change", function (ev) {
      if (ev.target !== searchBox) { asked = null; ask(); }
    });
    var resultLinks = function () { return Array.prototype.slice.call(searchOut.querySelectorAll(".card-title a, .verse-hits a")); };
    searchForm.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && ev.target === searchBox) {
        var first = resultLinks()[0];
        if (first) { ev.preventDefault(); first.focus(); }
      }
    });
    searchOut.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
      var links = resultLinks(), i = links.indexOf(document.activeElement);
      if (i < 0) return;
      ev.preventDefault();
      if (ev.key === "ArrowDown" && i + 1 < links.length) links[i + 1].focus();
      else if (ev.key === "ArrowUp") (i === 0 ? searchBox : links[i - 1]).focus();
    });
  }

  // Subscription forms: the reader's own time zone, from the device, so
  // their mail comes at their morning (they can still edit it).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) {
      Array.prototype.forEach.call(document.querySelectorAll("input[data-time-zone]"), function (input) {
        if (!input.dataset.edited) input.value = zone;
      });
    }
  } catch (e) { /* an old browser: the site's time zone is used */ }
})();
