/* Return page: ask the server every few seconds whether the provider has confirmed the
   payment; when the order leaves "pending", reload so the page shows what to do next.
   Without JavaScript a <noscript> meta refresh does the same. */
(function () {
  var box = document.querySelector("[data-order-status]");
  if (!box) return;
  var url = box.getAttribute("data-order-status");
  var message = box.querySelector("[data-status-message]");
  var tries = 0;
  var maxTries = 60; // about three minutes, then the "Check again" button is there
  function poll() {
    tries += 1;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.final) { window.location.reload(); return; }
        if (tries < maxTries) window.setTimeout(poll, 3000);
      })
      .catch(function () { if (tries < maxTries) window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
