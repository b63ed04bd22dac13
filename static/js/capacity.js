// Capacity while selecting: as a decision is staged (the decision form, the ranking's ticks and bulk
// form), ask /review/capacity.json for the screen time by theater group and show its panel.
(function () {
  "use strict";
  var panel = document.getElementById("capacity");
  if (!panel) { return; }
  var form = document.getElementById(panel.getAttribute("data-form"));
  var body = panel.querySelector(".capacity-body");
  if (!form || !body) { return; }
  var timer = null;
  var asked = 0;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "note" && name.indexOf("version") !== 0) {
        params.append(name, value);
      }
    });
    return params.toString();
  }

  function refresh() {
    var mine = ++asked;
    panel.setAttribute("aria-busy", "true");
    fetch(panel.getAttribute("data-url") + "&" + query(), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (data) {
      if (mine !== asked) { return; }  // a newer answer is on its way
      body.innerHTML = data.html;
      panel.removeAttribute("aria-busy");
      panel.setAttribute("data-updated", String(mine));
    }).catch(function () {
      if (mine === asked) { panel.removeAttribute("aria-busy"); }
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 200);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
