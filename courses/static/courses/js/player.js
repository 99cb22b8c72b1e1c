/* Lesson player: resume where the learner stopped and report watched time.
   Beacons are form posts (navigator.sendBeacon works while the page unloads). */
(function () {
  "use strict";
  var box = document.querySelector("[data-player]");
  if (!box) return;
  var video = box.querySelector("video");
  var url = box.dataset.progressUrl;
  var duration = parseFloat(box.dataset.duration) || 0;
  var watched = parseFloat(box.dataset.watched) || 0;
  var resumeAt = parseFloat(box.dataset.resume) || 0;
  var bar = document.querySelector("[data-progress-bar]");
  var text = document.querySelector("[data-progress-text]");
  var meter = bar && bar.parentNode;
  var lastTime = null;
  var lastSent = null;
  var INTERVAL = 15000;
  // Progress not yet confirmed by the server survives a dropped connection or a reload.
  var storeKey = "mka-progress:" + url;
  try {
    var saved = JSON.parse(localStorage.getItem(storeKey) || "null");
    if (saved) {
      watched = Math.max(watched, saved.watched || 0);
      if (saved.position) resumeAt = saved.position; // newer than what the server confirmed
    }
  } catch (e) { /* private mode: nothing stored */ }

  function remember() {
    try { localStorage.setItem(storeKey, JSON.stringify({ watched: watched, position: video.currentTime })); } catch (e) {}
  }

  function show(seconds, completed) {
    if (!duration || !bar) return;
    var percent = Math.min(100, Math.round((100 * seconds) / duration));
    bar.style.width = percent + "%";
    meter.setAttribute("aria-valuenow", percent);
    if (completed) text.textContent = text.dataset.done || "Lesson complete.";
  }

  function payload() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", box.dataset.csrf);
    data.append("position", video.currentTime.toFixed(1));
    data.append("watched", watched.toFixed(1));
    return data;
  }

  function send(unloading) {
    var key = video.currentTime.toFixed(0) + ":" + watched.toFixed(0);
    if (key === lastSent) return; // nothing new: spare the slow connection
    lastSent = key;
    if (unloading && navigator.sendBeacon) {
      remember();
      navigator.sendBeacon(url, payload());
      return;
    }
    remember();
    fetch(url, { method: "POST", body: payload(), credentials: "same-origin", keepalive: true })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (result) {
        if (!result.ok) {
          // Expired session or lost access: say so; the stored progress is sent after logging in.
          if (result.data && result.data.error) text.textContent = result.data.error;
          lastSent = null;
          return;
        }
        var data = result.data;
        watched = Math.max(watched, data.seconds_watched);
        show(data.seconds_watched, data.completed);
        if (data.seconds_watched >= watched) { try { localStorage.removeItem(storeKey); } catch (e) {} }
      })
      .catch(function () { lastSent = null; }); // offline: the next beacon carries the total
  }

  video.addEventListener("loadedmetadata", function () {
    if (resumeAt > 1 && resumeAt < video.duration - 2) video.currentTime = resumeAt;
  });
  video.addEventListener("timeupdate", function () {
    var now = video.currentTime;
    if (lastTime !== null && !video.seeking && !video.paused) {
      var delta = now - lastTime;
      // Count only real playback, not jumps made by seeking.
      if (delta > 0 && delta < 2 * (video.playbackRate || 1)) watched = Math.min(duration || Infinity, watched + delta);
    }
    lastTime = now;
  });
  video.addEventListener("seeking", function () { lastTime = null; });
  video.addEventListener("pause", function () { send(false); });
  video.addEventListener("ended", function () { send(false); });
  setInterval(function () { if (!video.paused) send(false); }, INTERVAL);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") send(true); });
  window.addEventListener("pagehide", function () { send(true); });
  show(watched, false);
})();
