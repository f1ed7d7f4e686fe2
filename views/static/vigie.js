/* Vigie's page behaviours, in one static file so the Content-Security-Policy needs no
   'unsafe-inline' for scripts (app/security/headers.py). Listeners are delegated to the
   document, so elements a live region swaps in (live.js) keep working. Texts come from
   data-* attributes written by the templates (translated there). */
(function () {
  "use strict";

  // <select data-vigie-autosubmit>: choosing a value submits its form (period, service).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-vigie-autosubmit]") && target.form) {
      target.form.submit();
    }
  });

  // <input data-vigie-select-on-focus>: a value to copy (a new API key) is selected whole.
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-vigie-select-on-focus]")) { target.select(); }
  });

  // Workflow events that need a reason or an input open their <dialog>.
  document.addEventListener("click", function (event) {
    var opener = event.target.closest && event.target.closest(".vigie-wf-open");
    if (opener) {
      document.getElementById(opener.dataset.dialog).showModal();
      return;
    }
    var closer = event.target.closest && event.target.closest(".vigie-wf-close");
    if (closer) { closer.closest("dialog").close(); }
  });

  // Measurement entry: check as you type — a number, with a comma or a point (the server
  // checks again).
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input.matches && input.matches(".vigie-entry-value"))) { return; }
    var ok = new RegExp("^" + input.getAttribute("pattern") + "$").test(input.value.trim());
    input.setAttribute("aria-invalid", ok ? "false" : "true");
    input.closest("td").classList.toggle("has-error", !ok);
    input.nextElementSibling.textContent = ok ? "" : (input.getAttribute("data-invalid") || "");
  });

  // Measurement import of a large file: the upload's progress, then the server's verdict in
  // place of the page.
  var form = document.getElementById("import-form");
  if (form && window.XMLHttpRequest && window.FormData) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var bar = form.querySelector(".progress"), inner = form.querySelector(".progress-bar");
      var text = form.querySelector(".vigie-progress-text");
      var xhr = new XMLHttpRequest();
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) { return; }
        var pct = Math.round(100 * e.loaded / e.total);
        inner.style.width = pct + "%"; inner.textContent = pct + " %";
        inner.setAttribute("aria-valuenow", pct);
        text.textContent = form.getAttribute(pct < 100 ? "data-sending" : "data-checking");
      });
      xhr.addEventListener("load", function () {
        document.open(); document.write(xhr.responseText); document.close();
      });
      xhr.open("POST", form.action);
      var token = document.querySelector("meta[name=csrf-token]");
      if (token) { xhr.setRequestHeader("X-CSRFToken", token.getAttribute("content")); }
      xhr.send(new FormData(form));
    });
  }
})();
