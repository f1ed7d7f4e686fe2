/* « Mes travaux »: poll the waiting and running jobs every 2 s and move their bars in place;
   when one ends, reload once so its download link (or error) appears. */
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-status-url");
  if (!url) { return; }
  function activeRows() {
    return Array.prototype.filter.call(document.querySelectorAll("tr[data-job]"), function (row) {
      var state = row.getAttribute("data-state");
      return state === "en_attente" || state === "en_cours";
    });
  }
  function update(job) {
    var row = document.querySelector('tr[data-job="' + job.id + '"]');
    if (!row) { return false; }
    var bar = row.querySelector(".progress-bar");
    if (bar) {
      bar.style.width = job.progress + "%";
      bar.setAttribute("aria-valuenow", job.progress);
      bar.textContent = job.progress + " %";
    }
    var badge = row.querySelector(".vigie-state");
    if (badge && badge.getAttribute("data-state") !== job.state) {
      badge.setAttribute("data-state", job.state);
      badge.lastChild.textContent = " " + job.state_label;
    }
    var step = row.querySelector(".vigie-job-step");
    if (step && step.textContent !== job.step) { step.textContent = job.step; }
    var ended = job.state !== "en_attente" && job.state !== "en_cours";
    row.setAttribute("data-state", job.state);
    return ended;
  }
  function poll() {
    var rows = activeRows();
    if (!rows.length) { return; }
    var ids = rows.map(function (r) { return r.getAttribute("data-job"); }).join(",");
    fetch(url + "?ids=" + ids, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : {jobs: []}; })
      .then(function (data) {
        var ended = false;
        data.jobs.forEach(function (job) { ended = update(job) || ended; });
        if (ended) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
