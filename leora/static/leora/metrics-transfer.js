/*
 * The metric import page: read a JSON or YAML file (or pasted text), check what would change, then
 * apply it all or nothing through POST /api/metrics/import. Needs metrics-common.js, loaded first.
 */
(function () {
  "use strict";

  var api = window.LeoraMetrics.api;
  var el = window.LeoraMetrics.el;

  function Importer(root) {
    var text = document.getElementById("import-text");
    var file = document.getElementById("import-file");
    var report = document.getElementById("import-report");
    file.addEventListener("change", function () {
      if (!file.files.length) return;
      file.files[0].text().then(function (content) { text.value = content; });
    });
    root.querySelectorAll("[data-import-run]").forEach(function (button) {
      button.addEventListener("click", function () {
        var apply = button.getAttribute("data-import-run") === "apply";
        report.textContent = "";
        api("POST", "/import" + (apply ? "?apply=true" : ""), text.value, "application/yaml").then(function (result) {
          var data = result.data || {};
          if (!data.created) {
            report.appendChild(el("div", { className: "alert alert-error", text: data.detail || "The file could not be read." }));
            return;
          }
          var summary = (data.applied ? "Applied: " : "Would apply: ") + data.created.length + " new, " +
            data.changed.length + " changed, " + data.unchanged.length + " unchanged.";
          report.appendChild(el("div", { className: "alert " + (data.errors.length ? "alert-error" : data.applied ? "alert-success" : "alert-info"), text: summary }));
          var list = el("ul", { className: "small" });
          data.created.forEach(function (c) { list.appendChild(el("li", { text: "New: " + c })); });
          data.changed.forEach(function (c) { list.appendChild(el("li", { text: "Changed: " + c.code + " (" + Object.keys(c.fields).join(", ") + ")" })); });
          data.errors.forEach(function (e) {
            var where = e.line ? " (line " + e.line + ", column " + e.column + ")" : "";
            list.appendChild(el("li", { className: "text-danger", text: "Entry " + (e.index + 1) + (e.code ? " " + e.code : "") + ", " + e.field + ": " + e.message + where }));
          });
          report.appendChild(list);
        });
      });
    });
  }

  function start() {
    var importer = document.getElementById("metric-import");
    if (importer) Importer(importer);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
