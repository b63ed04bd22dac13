// The shorts programmes page while a proposal is queued or being made: asks for its state every second
// and reloads the page once the state changes (the programmes, or the failure, are then on the page).
(function () {
  "use strict";
  var card = document.getElementById("shorts-proposal");
  if (!card || !card.dataset.stateUrl) {
    return;
  }
  var shown = card.dataset.status;
  var misses = 0;

  function ask() {
    fetch(card.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        misses = 0;
        if (state.status !== shown) {
          window.location.reload();
        } else {
          window.setTimeout(ask, 1000);
        }
      })
      .catch(function () {
        misses += 1;
        window.setTimeout(ask, Math.min(1000 * Math.pow(2, misses), 30000));
      });
  }

  window.setTimeout(ask, 1000);
})();
