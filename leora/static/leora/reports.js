/*
 * The reports page's form: the customer picker shows only for a customer statement, the "whose book"
 * picker for every other report. Without this script both stay visible and the server decides.
 *
 *   [data-report-form]              the form; its select[name=type] drives the rest
 *   [data-report-only="<type>"]     shown only while <type> is chosen
 *   [data-report-except="<type>"]   hidden while <type> is chosen
 */
(function () {
  "use strict";

  function sync(form) {
    var type = form.querySelector("select[name=type]");
    if (!type) return;
    form.querySelectorAll("[data-report-only]").forEach(function (el) {
      el.hidden = el.getAttribute("data-report-only") !== type.value;
    });
    form.querySelectorAll("[data-report-except]").forEach(function (el) {
      el.hidden = el.getAttribute("data-report-except") === type.value;
    });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("[data-report-form]");
    if (form && event.target.name === "type") sync(form);
  });

  function syncAll(root) {
    (root || document).querySelectorAll("[data-report-form]").forEach(sync);
  }

  document.addEventListener("htmx:load", function (event) {
    syncAll(event.detail.elt.parentNode || document);
  });
  document.addEventListener("DOMContentLoaded", function () {
    syncAll(document);
  });
})();
