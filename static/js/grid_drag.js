// Dragging a screening to another start or theater in a draft's day grid (mouse or pen).
// The drop fills the page's hidden move form (the same form and service as the screening page: the server
// checks every rule) and submits it; a refused move comes back as the screening page with the reasons and
// the nearest valid starts. A click without a drag opens the screening's page as before; so does the
// keyboard (Enter on a screening), and touch, whose drags scroll the grid.
(function () {
  "use strict";
  var grid = document.querySelector(".tt-grid[data-draggable]");
  var form = document.getElementById("drag-move");
  if (!grid || !form) { return; }
  var first = parseInt(grid.getAttribute("data-first-minute"), 10);
  var last = parseInt(grid.getAttribute("data-last-minute"), 10);
  var slot = parseInt(grid.getAttribute("data-slot-minutes"), 10);
  var heads = Array.prototype.slice.call(grid.querySelectorAll(".tt-head[data-theater]"));
  var hours = grid.querySelectorAll(".tt-hour");
  var THRESHOLD = 6; // pixels the pointer moves before a press becomes a drag
  var press = null; // {item, x, y, grabbedAt, pointer, dragging}
  var marker = document.createElement("div");
  marker.className = "tt-drop";
  marker.setAttribute("aria-hidden", "true");

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(minute) { return pad(Math.floor(minute / 60)) + ":" + pad(minute % 60); }

  // The theater column under the pointer, and the start the block's top edge would have there (rounded
  // to the theater's start step, kept within the grid's hours).
  function placeAt(event) {
    var head = heads.filter(function (h) {
      var r = h.getBoundingClientRect();
      return event.clientX >= r.left && event.clientX < r.right;
    })[0];
    if (!head || !hours.length) { return null; }
    var step = parseInt(head.getAttribute("data-step"), 10) || slot;
    var top = hours[0].getBoundingClientRect().top;
    var bottom = hours[hours.length - 1].getBoundingClientRect().bottom;
    var minute = first + (event.clientY - press.grabbedAt - top) * (last - first) / (bottom - top);
    minute = Math.round(minute / step) * step;
    minute = Math.max(first, Math.min(last - slot, minute));
    return { head: head, minute: minute, column: heads.indexOf(head) + 2 };
  }

  function finish() {
    if (press && press.dragging) {
      press.item.classList.remove("dragging");
      grid.classList.remove("is-dragging");
      if (marker.parentNode) { marker.parentNode.removeChild(marker); }
    }
    press = null;
  }

  grid.addEventListener("pointerdown", function (event) {
    var item = event.target.closest ? event.target.closest("a.tt-item[data-move-url]") : null;
    if (!item || event.button !== 0 || event.pointerType === "touch") { return; }
    press = {
      item: item, x: event.clientX, y: event.clientY, pointer: event.pointerId, dragging: false,
      grabbedAt: event.clientY - item.getBoundingClientRect().top
    };
  });

  grid.addEventListener("pointermove", function (event) {
    if (!press || event.pointerId !== press.pointer) { return; }
    if (!press.dragging) {
      if (Math.abs(event.clientX - press.x) + Math.abs(event.clientY - press.y) < THRESHOLD) { return; }
      press.dragging = true;
      press.item.classList.add("dragging");
      grid.classList.add("is-dragging");
      if (grid.setPointerCapture) { grid.setPointerCapture(event.pointerId); }
    }
    event.preventDefault();
    var place = placeAt(event);
    if (!place) {
      if (marker.parentNode) { marker.parentNode.removeChild(marker); }
      return;
    }
    var row = 2 + Math.floor((place.minute - first) / slot);
    var span = press.item.className.match(/\brspan-(\d+)\b/);
    marker.className = "tt-drop c-" + place.column + " rs-" + row + " rspan-" + (span ? span[1] : 1);
    marker.textContent = clock(place.minute);
    if (!marker.parentNode) { grid.appendChild(marker); }
  });

  grid.addEventListener("pointerup", function (event) {
    if (!press || event.pointerId !== press.pointer) { return; }
    if (!press.dragging) { press = null; return; } // a click: the link opens the screening's page
    var place = placeAt(event);
    var item = press.item;
    finish();
    // the click that follows this release must not open the screening's page
    var swallow = function (e) { e.preventDefault(); };
    grid.addEventListener("click", swallow, { capture: true, once: true });
    window.setTimeout(function () { grid.removeEventListener("click", swallow, { capture: true }); }, 0);
    if (!place) { return; }
    form.setAttribute("action", item.getAttribute("data-move-url"));
    form.elements.theater.value = place.head.getAttribute("data-theater");
    form.elements.day.value = grid.getAttribute("data-day");
    form.elements.start.value = clock(place.minute);
    form.submit();
  });

  grid.addEventListener("pointercancel", finish);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && press) { finish(); }
  });
}());
