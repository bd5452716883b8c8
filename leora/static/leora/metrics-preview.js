/*
 * The metric editor's "Test" button: runs the formula on the customers without saving and shows how
 * many match, a sample and the SQL. Once the formula (or the kind) differs from the one tested, the
 * result is marked as belonging to an earlier formula until it is tested again.
 * Methods of the editor (metrics-editor.js mixes them in).
 */
(function () {
  "use strict";

  var api = window.LeoraMetrics.api;
  var el = window.LeoraMetrics.el;
  var preview = {};

  // -- test (preview) ------------------------------------------------------------------------------
  preview.test = function () {
    var self = this;
    var target = document.getElementById("metric-preview");
    var tested = { formula: this.textEl.value, kind: this.kind() };
    var seq = this.previewSeq = (this.previewSeq || 0) + 1;
    this.tested = null;
    target.classList.remove("metrics-preview-stale");
    target.textContent = "";
    target.appendChild(el("p", { className: "muted", text: "Running on live data…" }));
    api("POST", "/preview", tested).then(function (result) {
      if (seq !== self.previewSeq) return;  // a later Test has been started
      target.textContent = "";
      self.tested = tested;
      target.appendChild(self.staleNote());
      var data = result.data || {};
      if (!result.ok) {
        var message = data.errors && data.errors[0] ? data.errors[0].message : data.detail;
        target.appendChild(el("div", { className: "alert alert-error", text: message || "The formula could not be tested." }));
        self.markPreview();
        return;
      }
      var noun = data.kind === "segment" ? "match" : "have a value";
      target.appendChild(el("p", { className: "metrics-preview-count" }, [
        el("strong", { className: "tabular", text: data.count.toLocaleString() }),
        document.createTextNode(" of " + data.total.toLocaleString() + " customers " + noun + " · " + data.elapsed_ms + " ms")
      ]));
      if (data.samples.length) {
        var headRow = el("tr", {}, [el("th", { scope: "col", text: "Customer" })]);
        if (data.kind === "value") headRow.appendChild(el("th", { scope: "col", className: "num", text: "Value" }));
        data.attributes.forEach(function (a) { headRow.appendChild(el("th", { scope: "col", className: "mono", text: a })); });
        var body = el("tbody");
        data.samples.forEach(function (s) {
          var tr = el("tr", {}, [el("td", { "data-label": "Customer" }, [el("a", { href: "/customers/" + s.id + "/", text: s.name })])]);
          if (data.kind === "value") tr.appendChild(el("td", { className: "num", "data-label": "Value", text: s.value === null ? "—" : String(s.value) }));
          data.attributes.forEach(function (a) {
            var v = s.attributes[a];
            tr.appendChild(el("td", { className: typeof v === "number" ? "num" : "", "data-label": a, text: v === null || v === undefined ? "—" : String(v) }));
          });
          body.appendChild(tr);
        });
        target.appendChild(el("div", { className: "table-wrap" }, [el("table", { className: "table table-compact table-stack" }, [
          el("caption", { className: "visually-hidden", text: "Sample of matching customers" }),
          el("thead", {}, [headRow]), body
        ])]));
      }
      if (data.sql) {
        target.appendChild(el("details", { className: "metrics-sql" }, [
          el("summary", { text: "SQL" }), el("pre", { className: "metrics-code" }, [el("code", { text: data.sql })])
        ]));
      }
      self.markPreview();
    });
  };

  // The line shown above a result whose formula has since changed, with a button to test again.
  preview.staleNote = function () {
    var self = this;
    var again = el("button", { type: "button", className: "btn btn-secondary btn-sm", text: "Test again" });
    again.addEventListener("click", function () { self.test(); });
    var note = el("div", { className: "alert alert-info small metrics-stale-note", id: "metric-preview-stale" }, [
      el("span", { "data-stale-reason": "" }), again
    ]);
    note.hidden = true;
    return note;
  };

  // Called whenever the formula text or the kind changes: is the shown result still this formula's?
  preview.markPreview = function () {
    var target = document.getElementById("metric-preview");
    var note = document.getElementById("metric-preview-stale");
    if (!this.tested || !note) return;
    var stale = this.textEl.value.trim() !== this.tested.formula.trim() || this.kind() !== this.tested.kind;
    var invalid = this.validation && this.validation.ok === false;
    note.querySelector("[data-stale-reason]").textContent = invalid
      ? "The formula has an error now: this result is for the formula you tested before."
      : "This result is for the formula you tested before, not the one above.";
    note.hidden = !stale;
    target.classList.toggle("metrics-preview-stale", stale);
  };

  window.LeoraMetrics.preview = preview;
})();
