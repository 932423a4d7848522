// The back office's editor: the preview and the citations follow typing,
// and practice and question rows can be added. Without this script the
// form still works: its Preview button asks the server for the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview]");
  if (!form) return;
  var target = document.getElementById("preview");
  var url = form.getAttribute("data-preview");
  var timer = null;
  var inFlight = null;
  var pending = false;

  function body() {
    var data = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") data.append(name, value);
    });
    return data;
  }

  function refresh() {
    if (inFlight) { pending = true; return; }
    inFlight = fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body().toString(),
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.text();
    }).then(function (html) {
      target.innerHTML = html;
    }).catch(function () {
      // The server said no (signed out, too large): the Preview button
      // still works and says why.
    }).then(function () {
      inFlight = null;
      if (pending) { pending = false; refresh(); }
    });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 50);
  });

  // Rows: a button adds an empty one like the last.
  Array.prototype.forEach.call(form.querySelectorAll("[data-rows]"), function (set) {
    var button = set.querySelector("[data-add-row]");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = set.querySelectorAll(".row-item");
      var last = rows[rows.length - 1];
      if (!last) return;
      var copy = last.cloneNode(true);
      var n = rows.length + 1;
      Array.prototype.forEach.call(copy.querySelectorAll("input"), function (input) {
        input.value = "";
        input.id = input.id.replace(/-\d+$/, "-" + n);
      });
      Array.prototype.forEach.call(copy.querySelectorAll("label"), function (label) {
        label.htmlFor = label.htmlFor.replace(/-\d+$/, "-" + n);
        label.textContent = label.textContent.replace(/\d+$/, String(n));
      });
      last.parentNode.insertBefore(copy, last.nextSibling);
      var first = copy.querySelector("input");
      if (first) first.focus();
    });
  });
})();
