// The timetable area: small progressive enhancements (every page works without JavaScript).
(function () {
  "use strict";
  // Selects and date inputs marked data-autosubmit submit their form when changed.
  document.querySelectorAll("[data-autosubmit]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.form) { input.form.submit(); }
    });
  });
  // Forms marked data-confirm ask before a destructive action.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Buttons marked data-print open the print dialog.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // The chosen day is visible in the programme's day strip.
  var today = document.querySelector(".day-strip [aria-current=date]");
  if (today && today.scrollIntoView) { today.scrollIntoView({ block: "nearest", inline: "center" }); }
  // In the grid, arrow keys Left/Right (with Alt) go to the previous/next day.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || (event.key !== "ArrowLeft" && event.key !== "ArrowRight")) { return; }
    var link = document.querySelector(event.key === "ArrowLeft" ? "a[rel=prev]" : "a[rel=next]");
    if (link) { window.location.href = link.href; }
  });
}());
