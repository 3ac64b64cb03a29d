// The data versions being loaded: their progress shown as it goes, and the page reloaded once
// they are done (without JavaScript, the "Refresh" link does the same).
(function () {
  "use strict";
  var table = document.querySelector("[data-versions-url]");
  if (!table) { return; }
  var url = table.getAttribute("data-versions-url");
  var status = document.getElementById("versions-status");
  var waiting = ["queued", "ingesting"];

  function show(version) {
    var cell = table.querySelector('[data-version-status="' + version.id + '"]');
    if (!cell) { return; }
    if (version.status === "ingesting") {
      cell.textContent = (version.phase || "loading") + ", " + Math.round(version.percent) + "%" +
        (version.rows_done ? " (" + version.rows_done.toLocaleString() + " rows)" : "");
    } else if (version.status === "ready" && version.phase === "checking") {
      cell.textContent = "checking";
    } else {
      cell.textContent = version.status;
    }
  }

  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response); })
      .then(function (versions) {
        versions.forEach(show);
        // Ready is not done: its checks and the publication decision come after (phase
        // "checking"); the page reloads once they are over.
        var busy = versions.some(function (v) {
          return waiting.indexOf(v.status) !== -1 || (v.status === "ready" && v.phase === "checking");
        });
        if (busy) {
          window.setTimeout(poll, 700);
        } else {
          if (status) { status.textContent = "Loaded: showing the result."; }
          window.location.reload();
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
