/* Forms marked data-once submit once: a double click or tap does not send twice. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sent) { event.preventDefault(); return; }
  form.dataset.sent = "1";
  var buttons = form.querySelectorAll("button[type=submit]");
  for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("aria-disabled", "true");
});

/* The Content-Security-Policy forbids style="" attributes: per-element values (a track's
   colour, a progress bar's width) come as data-* attributes and are set through the CSSOM. */
(function () {
  var i, el, percent;
  var accents = document.querySelectorAll("[data-accent]");
  for (i = 0; i < accents.length; i++) {
    el = accents[i];
    if (/^#[0-9a-fA-F]{3,8}$/.test(el.dataset.accent)) el.style.setProperty("--accent", el.dataset.accent);
  }
  var bars = document.querySelectorAll("[data-percent]");
  for (i = 0; i < bars.length; i++) {
    percent = parseFloat(bars[i].dataset.percent);
    if (percent >= 0 && percent <= 100) bars[i].style.width = percent + "%";
  }
})();
/* The language switcher changes language as soon as one is picked; without JS its button does. */
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select.hasAttribute && select.hasAttribute("data-autosubmit")) select.form.submit();
});
document.documentElement.classList.add("js");
