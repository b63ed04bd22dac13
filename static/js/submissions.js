/* Entry pages: deadline countdown in the visitor's own timezone, a browser-side copy of unsaved
   form input (restored after an expired session or a lost connection), saving a step in place
   (the Save button, and a draft's autosave, without reloading the page), confirmation prompts and
   single-click submit buttons. Loaded as a file (the Content-Security-Policy forbids inline scripts);
   every page works without it. */
(function () {
  "use strict";

  // ---- countdown ------------------------------------------------------------------------------
  function fill(template, name, value) {
    return template.replace("%(" + name + ")s", value);
  }

  function remaining(ms, units) {
    var s = Math.floor(ms / 1000);
    var parts = [
      [Math.floor(s / 86400), units[0]],
      [Math.floor((s % 86400) / 3600), units[1]],
      [Math.floor((s % 3600) / 60), units[2]],
    ];
    if (s < 3600) parts.push([s % 60, units[3]]);
    var shown = parts.filter(function (p, i) { return p[0] > 0 || i === parts.length - 1; });
    return shown.map(function (p) { return p[0] + " " + p[1]; }).join(" ");
  }

  function startCountdown(el) {
    var deadline = new Date(el.getAttribute("data-deadline"));
    if (isNaN(deadline.getTime())) return;
    var units = (el.getAttribute("data-units") || "d|h|min|s").split("|");
    var lang = document.documentElement.lang || undefined;
    var local;
    try {
      local = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short" }).format(deadline);
    } catch (e) {
      local = deadline.toLocaleString();
    }
    var localText = fill(el.getAttribute("data-local") || "%(local)s", "local", local);
    function tick() {
      var ms = deadline.getTime() - Date.now();
      if (ms <= 0) {
        el.textContent = el.getAttribute("data-closed") || "";
        el.classList.add("closed");
        return false;
      }
      el.textContent = fill(el.getAttribute("data-left"), "remaining", remaining(ms, units)) + " · " + localText;
      return true;
    }
    if (tick()) {
      var timer = setInterval(function () { if (!tick()) clearInterval(timer); }, 1000);
    }
  }

  // ---- unsaved input kept in this browser ---------------------------------------------------------
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function skipped(input) {
    return !input.name || input.name === "csrf_token" || input.name === "version" ||
      input.type === "password" || input.type === "file" || input.type === "submit" ||
      input.hasAttribute("data-no-backup");
  }

  function collect(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (skipped(input)) return;
      if (input.type === "checkbox" || input.type === "radio") {
        values[input.name] = values[input.name] || [];
        if (input.checked) values[input.name].push(input.value);
      } else {
        values[input.name] = input.value;
      }
    });
    return values;
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function apply(form, values) {
    Array.prototype.forEach.call(form.elements, function (input) {
      if (skipped(input) || !(input.name in values)) return;
      var value = values[input.name];
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = Array.isArray(value) && value.indexOf(input.value) !== -1;
      } else {
        input.value = value;
      }
    });
  }

  function startBackup(form) {
    var store = storage();
    var key = form.getAttribute("data-backup-key");
    var version = form.getAttribute("data-version");
    if (!store || !key) return;
    var rendered = collect(form);
    form.addEventListener("festival:saved", function () {
      // saved in place: what the page shows is now what the server has
      rendered = collect(form);
      version = form.getAttribute("data-version");
      store.removeItem(key);
      var shown = document.querySelector("[data-backup-notice]");
      if (shown) shown.hidden = true;
    });
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    if (saved && saved.version === version && !same(saved.values, rendered)) {
      // Same entry version as when typed, but the page shows other values: the input never
      // reached the server (expired session, network error). Put it back and say so.
      apply(form, saved.values);
      var notice = document.querySelector("[data-backup-notice]");
      if (notice) notice.hidden = false;
    } else if (saved) {
      store.removeItem(key);
    }
    function remember() {
      var values = collect(form);
      if (same(values, rendered)) { store.removeItem(key); return; }
      try { store.setItem(key, JSON.stringify({ version: version, values: values })); } catch (e) { /* full */ }
    }
    form.addEventListener("input", remember);
    form.addEventListener("change", remember);
  }

  // ---- saving in place ------------------------------------------------------------------------------
  // The same POST as the Save button's, asking for JSON: the server answers with the entry's new
  // version and a message instead of a redirect and a whole new page. Anything else (an error, a
  // rejected field, an expired login, no network) falls back to the ordinary submission, whose page
  // explains it; an autosave only says it did not save.
  var AUTOSAVE_MS = 4000;

  function startInPlaceSave(form) {
    var status = form.querySelector("[data-save-status]");
    var version = form.querySelector("input[name=version]");
    var saveButton = form.querySelector("button[name=save]");
    var busy = false, again = false, classic = false, timer = null, waiting = null;

    function say(text, kind) {
      if (!status) return;
      status.textContent = text || "";
      status.className = "save-status" + (kind ? " " + kind : "");
    }

    function answer(response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) return { ok: false };
      return response.json().then(function (data) {
        data.ok = response.ok;
        data.status = response.status;
        return data;
      });
    }

    function save(auto) {
      if (busy) { again = true; return; }
      busy = true;
      again = false;
      clearTimeout(timer);
      var data = new URLSearchParams(new FormData(form));
      data.set("save", "1");
      say(form.getAttribute("data-saving"));
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST", body: data, credentials: "same-origin", cache: "no-store",
        headers: { Accept: "application/json" },
      }).then(answer, function () { return { ok: false }; }).then(function (result) {
        busy = false;
        if (result.version !== undefined && result.saved) {
          version.value = result.version;
          form.setAttribute("data-version", String(result.version));
        }
        if (waiting) {  // "Save and continue" pressed during this save: send it with the new version
          classic = true;
          form.requestSubmit(waiting);
        } else if (result.ok) {
          say(result.message, "saved");
          form.dispatchEvent(new CustomEvent("festival:saved"));
          if (again) save(auto);
        } else if (auto || result.status === 503) {  // 503: the database is away; a page would be too
          say(result.message || form.getAttribute("data-unsaved"), "error");
        } else {
          classic = true;  // let the server's page show what went wrong
          form.requestSubmit(saveButton);
        }
      });
    }

    form.addEventListener("submit", function (event) {
      if (classic) return;
      clearTimeout(timer);
      if (event.submitter === saveButton) {
        event.preventDefault();
        save(false);
      } else if (busy) {  // an ordinary submission ("Save and continue") waits for the save in flight
        event.preventDefault();
        waiting = event.submitter;
      }
    });
    if (form.hasAttribute("data-autosave")) {
      var later = function () {
        clearTimeout(timer);
        timer = setTimeout(function () { save(true); }, AUTOSAVE_MS);
      };
      form.addEventListener("input", later);
      form.addEventListener("change", later);
    }
  }

  // ---- confirmations and single submission ---------------------------------------------------------
  function startConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  }

  function startOnce(form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (button) {
        setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".countdown[data-deadline]").forEach(startCountdown);
    document.querySelectorAll("form[data-backup-key]").forEach(startBackup);
    document.querySelectorAll("form[data-save-in-place]").forEach(startInPlaceSave);
    document.querySelectorAll("form[data-confirm]").forEach(startConfirm);
    document.querySelectorAll("form[data-once]").forEach(startOnce);
  });
})();
