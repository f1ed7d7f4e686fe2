/* Live regions: when the indicator data version moves, fetch this page again and swap every
   element marked data-live (matched by id). No library, no CDN. */
(function () {
  "use strict";
  var regions = document.querySelectorAll("[data-live]");
  if (!regions.length) { return; }
  var root = document.querySelector("[data-live-version]");
  var version = root ? root.getAttribute("data-live-version") : null;
  var every = parseInt((root && root.getAttribute("data-live-every")) || "10", 10) * 1000;
  var url = (root && root.getAttribute("data-live-url")) || "/live/version";
  var status = document.getElementById("vigie-live-status");

  function swap(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    document.querySelectorAll("[data-live]").forEach(function (region) {
      var replacement = fresh.getElementById(region.id);
      if (replacement) { region.replaceWith(replacement); }
    });
    if (status) { status.textContent = status.getAttribute("data-message"); }
  }

  function check() {
    fetch(url, {credentials: "same-origin", cache: "no-store"})
      .then(function (answer) { return answer.ok ? answer.json() : null; })
      .then(function (data) {
        if (!data || data.version === version) { return null; }
        version = data.version;
        return fetch(window.location.href, {credentials: "same-origin", cache: "no-store"})
          .then(function (answer) { return answer.ok ? answer.text() : null; })
          .then(function (html) { if (html) { swap(html); } });
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { window.setTimeout(check, every); });
  }
  window.setTimeout(check, every);
})();
