// Live updates for the exercise pages (served from this server; no external scripts).
// The server sends an event when a delegation moves, a round opens or closes, or the
// facilitator discloses something, each with its sequence number; on connecting it
// sends the latest sequence number ("sync"). A page older than the exercise reloads
// itself, unless it has unsaved edits: then it shows a banner, so no typing is lost.
(function () {
  "use strict";
  var body = document.body;
  if (!body || !body.dataset.live || !window.EventSource) return;
  var shown = Number(body.dataset.seq || 0);
  var dirty = false;
  var submitting = false;
  document.querySelectorAll("form[data-dirty-watch]").forEach(function (form) {
    form.addEventListener("input", function () { dirty = true; });
  });
  var pending = null;
  // A reload scheduled before the submit would abort the form's request.
  document.addEventListener("submit", function () {
    submitting = true; dirty = false;
    if (pending) { clearTimeout(pending); pending = null; }
  });
  function changed(e) {
    var seq = 0;
    try { seq = JSON.parse(e.data).seq || 0; } catch (err) { seq = shown + 1; }
    if (seq <= shown || submitting) return;
    if (dirty) {
      document.getElementById("live-banner").hidden = false;
      return;
    }
    // Many moves arrive together in a busy round: reload at most once a second.
    if (pending) return;
    pending = setTimeout(function () { window.location.reload(); }, 1000);
  }
  var source = new EventSource("/events");
  ["sync", "round_opened", "move_submitted", "round_closed", "round_adjudicated", "disclosed",
   "clock_set", "negotiation_started", "inject_released", "band_computed", "verdict_overridden",
   "note_added", "lesson_written"].forEach(
    function (kind) { source.addEventListener(kind, changed); }
  );
})();
