/* Exam page: save each answer as it is chosen, count down to the server's deadline. */
(function () {
  "use strict";
  var form = document.querySelector("[data-exam]");
  if (!form) return;
  var url = form.dataset.autosaveUrl;
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var pending = {};

  function save(name) {
    var inputs = form.querySelectorAll("[name='" + name + "']");
    var state = inputs[0].closest("fieldset").querySelector("[data-save-state]");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    var any = false;
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) { data.append(name, inputs[i].value); any = true; }
    if (!any) data.append(name, "");  // unticking every box is an answer too
    state.textContent = "…";
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (result) {
        if (result.ok) { delete pending[name]; state.textContent = state.dataset.saved || "✓"; return; }
        state.textContent = result.body.error;
        if (result.body.closed) window.location.reload();
      })
      .catch(function () { pending[name] = true; state.textContent = "⚠"; });
  }

  form.addEventListener("change", function (event) { if (event.target.name) save(event.target.name); });
  window.addEventListener("online", function () { Object.keys(pending).forEach(save); });
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  var timer = document.querySelector("[data-deadline]");
  if (!timer) return;
  var deadline = new Date(timer.dataset.deadline).getTime();
  var out = timer.querySelector("[data-timer]");
  var submitted = false;
  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    out.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    if (left <= 60) timer.classList.add("timer--low");
    if (left === 0 && !submitted) {
      submitted = true;  // hand in what is on the page; the server decides what still counts
      var submit = document.createElement("input");
      submit.type = "hidden"; submit.name = "submit"; submit.value = "1";
      form.appendChild(submit);
      form.submit();
    }
  }
  tick();
  setInterval(tick, 1000);
})();
