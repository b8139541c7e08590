// Live updates for the exercise pages (served from this server; no external scripts).
// The server sends an event when a delegation moves, a round opens or closes, or the
// facilitator discloses something. A page without unsaved edits reloads itself;
// a page with unsaved edits shows a banner instead, so no typing is lost.
(function () {
  "use strict";
  if (!document.body || !document.body.dataset.live || !window.EventSource) return;
  var dirty = false;
  var form = document.querySelector("form[data-dirty-watch]");
  if (form) {
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
  }
  var pending = null;
  function changed() {
    if (dirty) {
      document.getElementById("live-banner").hidden = false;
      return;
    }
    // Many moves arrive together in a busy round: reload at most once a second.
    if (pending) return;
    pending = setTimeout(function () { window.location.reload(); }, 1000);
  }
  var source = new EventSource("/events");
  ["round_opened", "move_submitted", "round_closed", "round_adjudicated", "disclosed"].forEach(
    function (kind) { source.addEventListener(kind, changed); }
  );
})();
