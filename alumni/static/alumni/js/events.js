/* Event times in the reader's own time zone.
   The server writes <time datetime="...Z" data-local-time="full|time"> with the time in a
   zone it knows (the visitor's chosen or country zone, else the event's) and the zone's name;
   here the browser rewrites the text to its own zone. Without JavaScript the server's text stays. */
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) return;
  var lang = document.documentElement.lang || undefined;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  var full = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  var short = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };

  function rewrite(root) {
    var nodes = (root || document).querySelectorAll("time[data-local-time]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      if (node.dataset.rewritten) continue;
      var when = new Date(node.getAttribute("datetime"));
      if (isNaN(when.getTime())) continue;
      var options = node.dataset.localTime === "time" ? short : full;
      try {
        node.textContent = new Intl.DateTimeFormat(lang, options).format(when);
      } catch (e) { continue; }
      node.dataset.rewritten = "1";
      node.title = node.title + " · " + zone;
    }
  }
  rewrite(document);
  window.mkaLocalTimes = rewrite;  /* qna.js calls it after swapping in new questions */

  /* The time-zone form starts on the browser's zone when nothing is chosen yet. */
  var select = document.querySelector("select[data-browser-zone]");
  if (select && !select.querySelector("option[selected]")) {
    for (var j = 0; j < select.options.length; j++) {
      if (select.options[j].value === zone) { select.selectedIndex = j; break; }
    }
  }
})();
