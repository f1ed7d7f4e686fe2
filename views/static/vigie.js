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

  // RGAA 11 on forms, once FAB's widgets are drawn (its select2 starts in a jQuery ready
  // handler, queued before this one): a select2 box is named by the field's label, not by its
  // value, and carries the field's error; after a refused submit the focus goes to the first
  // wrong field (its error is announced by the form's summary, role="alert").
  function labelId(label) {
    if (!label.id) { label.id = "label-" + label.htmlFor; }
    return label.id;
  }
  // FAB starts select2 in English (« Select a State », « No results found ») with a clear
  // button that, in a multiple select, sits inside the list of choices (not a list item):
  // started again here in French, the clear button only on single selects.
  function frenchSelect2() {
    var $ = window.jQuery, main = document.getElementById("contenu");
    if (!$ || !$.fn.select2 || !main) { return; }
    var texts = main.dataset;
    var language = {
      noResults: function () { return texts.selectNone; },
      searching: function () { return texts.selectSearching; },
      loadingMore: function () { return texts.selectMore; },
      removeAllItems: function () { return texts.selectRemove; },
      removeItem: function () { return texts.selectRemove; }
    };
    $("select.my_select2").each(function () {
      var el = $(this), url = this.getAttribute("data-vigie-picker");
      if (el.data("select2")) { el.select2("destroy"); }
      var options = {
        theme: "bootstrap", language: language, allowClear: !this.multiple,
        placeholder: this.getAttribute("data-placeholder") || texts.selectChoose
      };
      if (url) {
        // a relation field: only the chosen record is in the page, the others are asked for
        // as the person types (views/pickers.py); the blank choice stays the placeholder
        options.placeholder = {id: "__None", text: options.placeholder};
        options.ajax = {
          url: url, dataType: "json", delay: 250,
          data: function (params) { return {q: params.term || "", page: params.page || 1}; },
          processResults: function (data) {
            return {results: data.results, pagination: {more: data.more}};
          }
        };
      }
      el.select2(options);
    });
  }
  // A search filter added from « Add Filter » is drawn by FAB's script (no autocomplete):
  // started again once it is in the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#filter_form a.filter")) {
      window.setTimeout(frenchSelect2, 0);
    }
  });
  // A box that scrolls sideways (a wide table on a phone) is reachable with the keyboard,
  // named, only while it does scroll.
  function scrollerName(box, index) {
    var caption = box.querySelector("caption, figcaption");
    var heading = caption ? null : box.closest("section, .panel, .vigie-card-section");
    heading = heading && heading.querySelector("h2, h3, h4, .panel-title");
    var base = document.getElementById("contenu").dataset.scrollLabel;
    var text = (caption || heading || {}).textContent || "";
    text = text.trim().slice(0, 80);
    return text ? base + " : " + text : base + " " + (index + 1);
  }
  function focusableScrollers() {
    var main = document.getElementById("contenu");
    if (!main) { return; }
    var used = {};
    document.querySelectorAll(".table-responsive, .vigie-card-scroll, .vigie-map-figure").forEach(function (box, index) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("data-vigie-named") || !box.hasAttribute("aria-label")) {
          var name = scrollerName(box, index);
          if (used[name]) { name = name + " (" + (index + 1) + ")"; }
          box.setAttribute("aria-label", name);
          box.setAttribute("data-vigie-named", "");
        }
        used[box.getAttribute("aria-label")] = true;
      } else if (box.hasAttribute("data-vigie-named")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-vigie-named");
      }
    });
  }
  window.addEventListener("resize", focusableScrollers);
  window.addEventListener("load", focusableScrollers);
  function enhanceForms() {
    frenchSelect2();
    focusableScrollers();
    document.querySelectorAll(".select2-selection__rendered[role=textbox]").forEach(function (shown) {
      shown.removeAttribute("role");  // the box (combobox) is the field; this is its value
      shown.removeAttribute("aria-readonly");
    });
    document.querySelectorAll("select").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var box = select.nextElementSibling;
      if (!label || !box || !box.classList.contains("select2")) { return; }
      box.querySelectorAll(".select2-selection").forEach(function (selection) {
        var shown = selection.querySelector(".select2-selection__rendered");
        selection.setAttribute("aria-labelledby", labelId(label));
        if (shown && shown.id) { selection.setAttribute("aria-describedby", shown.id); }
        ["aria-invalid", "aria-required"].forEach(function (name) {
          if (select.hasAttribute(name)) { selection.setAttribute(name, select.getAttribute(name)); }
        });
      });
      box.querySelectorAll(".select2-search__field").forEach(function (field) {
        field.setAttribute("aria-labelledby", labelId(label));
      });
    });
    var wrong = document.querySelector("form [aria-invalid=true]");
    if (wrong) {
      var box = wrong.nextElementSibling;
      var target = box && box.classList.contains("select2") ? box.querySelector(".select2-selection, .select2-search__field") : wrong;
      (target || wrong).focus();
    }
  }
  if (window.jQuery) { window.jQuery(enhanceForms); }
  else { document.addEventListener("DOMContentLoaded", enhanceForms); }
})();
