// Say a deadline also in the visitor's own time zone, when it is not the edition's: every
// <time class="visitor-time" datetime="..." data-label="Your time:"> is filled in and shown.
(function () {
  "use strict";
  var lang = document.documentElement.lang || undefined;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("time.visitor-time").forEach(function (el) {
    var moment = new Date(el.getAttribute("datetime"));
    if (isNaN(moment)) return;
    var shown = new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hour12: false, timeZoneName: "short"
    }).format(moment);
    if (zone === "Asia/Shanghai" || zone === "Asia/Chongqing" || zone === "PRC") return;
    el.textContent = (el.dataset.label ? el.dataset.label + " " : "") + shown;
    el.hidden = false;
  });
})();
