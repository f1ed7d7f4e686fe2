/* The calendar of Vigie's date fields (views/date_input.py): French, weeks from Monday.
 *
 * The picker only proposes a date: what a person types is never rewritten (no forceParse,
 * no paste handler, no arrow-key navigation that would change the text while editing it).
 * The server reads the field — jj/mm/aaaa, 15/1/27 or ISO 2027-01-15 — and says in French,
 * beside the field, when a date cannot be read. The reading below mirrors the server's
 * (app/formatting.py, parse_date) only so that the calendar opens on the typed date.
 */
(function ($) {
  "use strict";
  if (!$ || !$.fn || !$.fn.datepicker) {
    return;
  }

  $.fn.datepicker.dates.fr = {
    days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    daysShort: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    daysMin: ["di", "lu", "ma", "me", "je", "ve", "sa"],
    months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
      "septembre", "octobre", "novembre", "décembre"],
    monthsShort: ["janv.", "févr.", "mars", "avril", "mai", "juin", "juil.", "août",
      "sept.", "oct.", "nov.", "déc."],
    today: "Aujourd'hui",
    monthsTitle: "Mois",
    clear: "Effacer",
    weekStart: 1,
    format: "dd/mm/yyyy"
  };

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  var FORMAT = {
    toDisplay: function (date) {
      return pad(date.getUTCDate()) + "/" + pad(date.getUTCMonth() + 1) + "/" +
        date.getUTCFullYear();
    },
    toValue: function (text) {
      var match, day, month, year;
      text = $.trim(String(text || ""));
      match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
      if (match) {
        year = +match[1]; month = +match[2]; day = +match[3];
      } else {
        match = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4}|\d{2})$/.exec(text);
        if (!match) {
          return null;
        }
        day = +match[1]; month = +match[2]; year = +match[3];
        if (match[3].length === 2) {
          year += 2000;
        }
      }
      var date = new Date(Date.UTC(year, month - 1, day));
      // 31/02 would roll over to March: no date rather than another one
      if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 ||
          date.getUTCDate() !== day) {
        return null;
      }
      return date;
    }
  };

  function language() {
    var lang = (document.documentElement.getAttribute("lang") || "fr").slice(0, 2);
    return $.fn.datepicker.dates[lang] ? lang : "en";
  }

  function start(input) {
    var $input = $(input);
    if ($input.data("datepicker")) {
      return false;
    }
    $input.datepicker({
      format: FORMAT,
      language: language(),
      weekStart: 1,
      forceParse: false,
      keyboardNavigation: false,
      autoclose: true,
      todayHighlight: true,
      showOnFocus: true,
      orientation: "bottom auto"
    });
    $input.off("paste"); // the picker's own would replace a pasted text by its reading
    $input.closest(".vigie-date").find(".input-group-addon").on("click", function () {
      $input.trigger("focus");
    });
    return true;
  }

  $(function () {
    $("input[data-vigie-date]").each(function () {
      start(this);
    });
    // fields added later (the list's search filters) start on their first focus
    $(document).on("focusin", "input[data-vigie-date]", function () {
      if (start(this)) {
        $(this).datepicker("show");
      }
    });
  });
})(window.jQuery);
