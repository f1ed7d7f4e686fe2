/* Live dashboards: poll /dashboards/<id>/data and swap in the widgets whose data changed.
   Plain JavaScript served by Vigie itself (no CDN: many town halls have no internet).
   Updates are announced once, politely, in the page's aria-live region; the widgets
   themselves are not live regions, so a screen reader is not flooded with every number. */
(function () {
  "use strict";
  var root = document.querySelector("[data-dashboard-live]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-dashboard-live");
  var version = root.getAttribute("data-version");
  var seconds = parseInt(root.getAttribute("data-refresh"), 10) || 15;
  var announce = root.querySelector("[data-field=announce]");
  var updated = root.querySelector("[data-field=updated]");

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (payload) {
        if (!payload || payload.version === version) { return; }
        version = payload.version;
        var changed = 0;
        payload.widgets.forEach(function (widget) {
          var section = root.querySelector("[data-widget='" + widget.id + "']");
          if (!section) { return; }
          if (section.getAttribute("data-fingerprint") === widget.fingerprint) { return; }
          section.setAttribute("data-fingerprint", widget.fingerprint);
          section.querySelector("[data-widget-body]").innerHTML = widget.html;
          section.classList.add("vigie-updated");
          window.setTimeout(function () { section.classList.remove("vigie-updated"); }, 4000);
          changed += 1;
        });
        if (updated && payload.updated_label) { updated.textContent = payload.updated_label; }
        if (announce && changed) {
          announce.textContent = (root.getAttribute("data-announce") || "")
            .replace("__N__", String(changed)) + " " + (payload.updated_label || "");
        }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  window.setInterval(poll, seconds * 1000);
})();
