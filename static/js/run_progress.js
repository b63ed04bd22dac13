// Live progress of a solver run: polls progress.json every second and updates the page.
// Every viewer reads the same row in the database, so everyone sees the same numbers.
(function () {
  "use strict";
  var panel = document.getElementById("run-progress");
  if (!panel || !panel.dataset.progressUrl) {
    return;
  }
  var url = panel.dataset.progressUrl;
  var failures = 0;
  // the status the page was rendered with: a change means the page's buttons and notes are out of date
  var shownStatus = panel.dataset.status;
  var shownStop = panel.dataset.stopRequested === "yes";

  function text(name, value) {
    var nodes = document.querySelectorAll('[data-field="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) {
      if (value === null || value === undefined) {
        nodes[i].textContent = "\u2013";
      } else if (nodes[i].hasAttribute("data-number")) {
        nodes[i].textContent = Number(value).toLocaleString();
      } else {
        nodes[i].textContent = value;
      }
    }
  }

  function bar(id, value) {
    var el = document.getElementById(id);
    if (!el) {
      return;
    }
    if (value === null || value === undefined) {
      el.removeAttribute("value");
    } else {
      el.value = Math.min(value, el.max);
      el.textContent = value;
    }
  }

  function show(p) {
    text("elapsed", p.elapsed.toFixed(1));
    text("objective", p.objective);
    text("bound", p.bound);
    text("gap_percent", p.gap_percent === null ? null : p.gap_percent.toFixed(2));
    text("status_label", p.status_label);
    text("phase_label", p.phase_label);
    bar("time-bar", p.elapsed);
    bar("gap-bar", p.closed_percent);
    if (p.status !== shownStatus || !p.active || p.stop_requested !== shownStop) {
      window.location.reload();
      return false;
    }
    return true;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (p) {
        failures = 0;
        if (show(p)) {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () {
        failures += 1;
        window.setTimeout(poll, Math.min(10000, 1000 * Math.pow(2, failures)));
      });
  }

  poll();
})();
