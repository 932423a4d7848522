// The stillness timer of a practice page. Without this file the page still
// says how long to set aside and logs the time; with it, a countdown.
// Time is read from the clock, not counted in ticks, so a tab in the
// background stays right. The screen reader hears the start, a pause and the
// end, not every second.
(function () {
  "use strict";
  var timer = document.querySelector("[data-timer]");
  if (!timer) return;
  var total = parseInt(timer.getAttribute("data-seconds"), 10) * 1000;
  if (!(total > 0)) return;

  var clock = timer.querySelector("[data-timer-clock]");
  var ring = timer.querySelector("[data-timer-ring]");
  var status = timer.querySelector("[data-timer-status]");
  var buttons = {
    start: timer.querySelector("[data-timer-start]"),
    pause: timer.querySelector("[data-timer-pause]"),
    resume: timer.querySelector("[data-timer-resume]"),
    reset: timer.querySelector("[data-timer-reset]")
  };
  var form = document.querySelector("[data-timer-log]");
  var minutes = form && form.querySelector("input[name=minutes]");
  var seconds = form && form.querySelector("[data-timer-seconds]");
  var measured = form && form.querySelector("[data-timer-measured]");

  // Time run before the last start or resume, and when that was.
  var before = 0;
  var since = null;
  var ticking = null;
  var finished = false;
  // Minutes the member typed win over what the timer measured.
  var typed = false;

  function elapsed() {
    var run = since === null ? 0 : performance.now() - since;
    return Math.min(total, before + run);
  }

  function mmss(ms) {
    var s = Math.ceil(ms / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function words(ms) {
    var s = Math.round(ms / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    var parts = [];
    if (m) parts.push(m + (m === 1 ? " minute" : " minutes"));
    if (s || !m) parts.push(s + (s === 1 ? " second" : " seconds"));
    return parts.join(" ");
  }

  function show(state) {
    buttons.start.hidden = state !== "ready";
    buttons.pause.hidden = state !== "running";
    buttons.resume.hidden = state !== "paused";
    buttons.reset.hidden = state === "ready";
    timer.classList.toggle("is-running", state === "running");
    timer.classList.toggle("is-done", state === "done");
  }

  function say(text) {
    status.textContent = text;
  }

  function draw() {
    var done = elapsed();
    clock.textContent = mmss(total - done);
    ring.setAttribute("stroke-dashoffset", String(1 - done / total));
    if (done >= total && !finished) end();
  }

  // Offers what the timer measured to the log form; typing in the minutes
  // field afterwards takes the typed minutes instead.
  function offer(ms) {
    if (!form || typed || ms < 1000) return;
    var s = Math.round(ms / 1000);
    seconds.value = String(s);
    minutes.value = String(Math.max(1, Math.round(s / 60)));
    measured.textContent = "The timer measured " + words(ms) + ".";
    measured.hidden = false;
  }

  function forget() {
    if (!form) return;
    seconds.value = "";
    measured.hidden = true;
  }

  function restore() {
    if (!form) return;
    typed = false;
    forget();
    minutes.value = minutes.defaultValue;
  }

  function run() {
    since = performance.now();
    ticking = setInterval(draw, 250);
    show("running");
    draw();
  }

  function stop() {
    before = elapsed();
    since = null;
    clearInterval(ticking);
    ticking = null;
  }

  function end() {
    finished = true;
    stop();
    show("done");
    say("Time is up. Rest here a moment before you go on.");
    offer(total);
  }

  buttons.start.addEventListener("click", function () {
    run();
    say("Started: " + words(total) + ".");
    buttons.pause.focus();
  });
  buttons.pause.addEventListener("click", function () {
    stop();
    draw();
    show("paused");
    say("Paused, " + words(total - elapsed()) + " left.");
    offer(elapsed());
    buttons.resume.focus();
  });
  buttons.resume.addEventListener("click", function () {
    run();
    say("Going on.");
    buttons.pause.focus();
  });
  buttons.reset.addEventListener("click", function () {
    stop();
    before = 0;
    finished = false;
    show("ready");
    draw();
    restore();
    say("Start when you are ready.");
    buttons.start.focus();
  });
  if (form) {
    minutes.addEventListener("input", function () {
      typed = true;
      forget();
    });
    // Logged while the timer runs: the time so far.
    form.addEventListener("submit", function () {
      offer(elapsed());
    });
  }
  // Timers in a background tab may sleep: catch up on coming back.
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && since !== null) draw();
  });

  timer.hidden = false;
  show("ready");
  draw();
})();
