/* Offers panel: choosing a currency shows the prices at once (the button stays for no-JS). */
(function () {
  var form = document.querySelector("[data-currency-form]");
  if (!form) return;
  var button = form.querySelector("[data-currency-submit]");
  if (button) button.hidden = true;
  form.querySelector("select").addEventListener("change", function () { form.submit(); });
})();
