// Directory filters: refresh the results as the filters change (the form works without this).
(function () {
  "use strict";
  var form = document.getElementById("directory-filters");
  if (!form || !window.fetch) return;
  var liveUrl = form.getAttribute("data-live-url");
  var timer = null;

  function text(tag, className, value) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    node.textContent = value;
    return node;
  }

  function cardNode(card) {
    var item = document.createElement("li");
    item.className = "alumni-card";
    if (card.photo_url) {
      var img = document.createElement("img");
      img.className = "alumni-card__photo";
      img.src = card.photo_url; img.alt = ""; img.width = 72; img.height = 72; img.loading = "lazy";
      item.appendChild(img);
    } else {
      var initial = text("span", "alumni-card__photo alumni-card__photo--none", (card.name || "?").charAt(0));
      initial.setAttribute("aria-hidden", "true");
      item.appendChild(initial);
    }
    var body = document.createElement("div");
    body.className = "alumni-card__text";
    var heading = document.createElement("h3");
    heading.className = "h4";
    var link = text("a", "", card.name);
    link.href = card.url;
    heading.appendChild(link);
    body.appendChild(heading);
    if (card.name_native) { var native = text("p", "alumni-card__native", card.name_native); native.dir = "auto"; body.appendChild(native); }
    var facts = document.createElement("p");
    facts.className = "muted alumni-card__facts";
    [card.specialty, card.institution, [card.city, card.country].filter(Boolean).join(", ")].forEach(function (value) {
      if (value) facts.appendChild(text("span", "", value));
    });
    body.appendChild(facts);
    if (card.languages && card.languages.length) {
      var tags = document.createElement("p");
      tags.className = "tags";
      card.languages.forEach(function (language) { tags.appendChild(text("span", "tag", language)); });
      body.appendChild(tags);
    }
    item.appendChild(body);
    return item;
  }

  function refresh() {
    var params = new URLSearchParams(new FormData(form));
    fetch(liveUrl + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        var old = document.getElementById("directory-results");
        var list = document.createElement(data.results.length ? "ul" : "div");
        list.id = "directory-results";
        if (data.results.length) {
          list.className = "alumni-cards";
          data.results.forEach(function (card) { list.appendChild(cardNode(card)); });
        } else {
          list.className = "empty";
          list.appendChild(text("p", "", form.getAttribute("data-empty") || "—"));
        }
        old.replaceWith(list);
        var count = document.getElementById("directory-count");
        if (count) count.textContent = (form.getAttribute("data-count-label") || "%s").replace("%s", data.count);
        var pagination = document.querySelector(".pagination");
        if (pagination) pagination.hidden = data.pages > 1 ? false : true;
        history.replaceState(null, "", "?" + params.toString());
      })
      .catch(function () { /* keep the current results; the Search button still works */ });
  }

  form.addEventListener("change", refresh);
  form.addEventListener("input", function (event) {
    if (event.target.name !== "q") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
})();
