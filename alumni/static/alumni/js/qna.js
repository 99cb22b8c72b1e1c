/* Seminar Q&A without page reloads: the forms inside [data-qna] are sent with fetch() and the
   section is replaced by the HTML the server returns. While the page is open and the reader is
   not typing, the list refreshes every 30 s. Without JavaScript the same forms post and
   redirect back to the page. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;
  var REFRESH_MS = 30000;

  function section() { return document.querySelector("[data-qna]"); }

  function swap(html) {
    var current = section();
    if (!current) return;
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.querySelector("[data-qna]");
    if (!fresh) return;
    current.replaceWith(fresh);
    if (window.mkaLocalTimes) window.mkaLocalTimes(fresh);
  }

  function busy() {
    var current = section();
    if (!current) return true;
    var active = document.activeElement;
    if (active && current.contains(active) && active.tagName === "TEXTAREA" && active.value) return true;
    var open = current.querySelector("details[open]");
    return Boolean(open);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-qna-form") || !section() || !section().contains(form)) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (response.headers.get("Content-Type").indexOf("text/html") === -1) throw new Error("unexpected");
      return response.text().then(swap);
    }).catch(function () {
      form.removeAttribute("data-qna-form");  /* fall back to a normal submit */
      delete form.dataset.sent;
      form.submit();
    });
  }, true);

  setInterval(function () {
    var current = section();
    if (!current || document.hidden || busy()) return;
    fetch(current.getAttribute("data-qna"), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html && !busy()) swap(html); })
      .catch(function () {});
  }, REFRESH_MS);
})();
