/*
 * The metric editor page: the definition fields, live validation of the formula text, saving a new
 * version through the JSON API, the history diff and restore, deprecating and restoring the metric.
 * The builder (metrics-builder.js) and the test preview (metrics-preview.js) are mixed in; all
 * three need metrics-common.js, loaded first.
 */
(function () {
  "use strict";

  var M = window.LeoraMetrics;
  var api = M.api;
  var el = M.el;
  var toast = M.toast;
  var carryToast = M.carryToast;
  var debounce = M.debounce;

  // ---------------------------------------------------------------------------------------------
  // The editor
  // ---------------------------------------------------------------------------------------------
  function Editor(root, config) {
    this.root = root;
    this.config = config;
    this.types = {};
    this.choices = {};
    var self = this;
    config.attributes.forEach(function (a) { self.types[a.name] = a.type; self.choices[a.name] = a.choices; });
    config.segments.forEach(function (code) { self.types["metric." + code] = "boolean"; });
    this.tree = { type: "group", op: "and", negated: false, items: [] };
    this.lastEdit = "text";
    this.validation = null;
    this.seq = 0;
    this.builderEl = document.getElementById("formula-builder");
    this.textEl = document.getElementById("formula-text");
    this.statusEl = document.getElementById("formula-status");
    this.kindEl = document.getElementById("metric-kind");
    this.validateSoon = debounce(this.validate.bind(this), 250);
    this.rowCount = 0;
    this.init();
  }

  Editor.prototype.init = function () {
    var self = this;
    var initial = this.config.initial;
    document.getElementById("metric-name").value = initial.name || "";
    document.getElementById("metric-description").value = initial.description || "";
    document.getElementById("metric-unit").value = initial.unit || "";
    document.getElementById("metric-format").value = initial.format || "";
    if (this.config.mode === "new" && initial.code) document.getElementById("metric-code").value = initial.code;
    this.kindEl.value = initial.kind || "segment";
    this.textEl.value = initial.formula || "";
    if (!this.config.canWrite) {
      this.root.querySelectorAll("input, select, textarea").forEach(function (f) {
        if (!f.name || f.name.indexOf("diff-") !== 0) f.disabled = true;
      });
    }
    this.textEl.addEventListener("input", function () { self.lastEdit = "text"; self.markPreview(); self.validateSoon(); });
    this.kindEl.addEventListener("change", function () { self.showBuilder(); self.markPreview(); self.validate(); });
    document.querySelectorAll("[data-mode]").forEach(function (button) {
      button.addEventListener("click", function () { self.setMode(button.getAttribute("data-mode")); });
    });
    document.getElementById("metric-test").addEventListener("click", function () { self.test(); });
    var save = document.getElementById("metric-save");
    if (save) save.addEventListener("click", function () { self.save(); });
    var compare = document.getElementById("metric-compare");
    if (compare) compare.addEventListener("click", function () { self.compare(); });
    document.querySelectorAll("[data-restore-version]").forEach(function (button) {
      button.addEventListener("click", function () { self.restoreVersion(button.getAttribute("data-restore-version")); });
    });
    document.querySelectorAll("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () { self.lifecycle(button.getAttribute("data-action")); });
    });
    this.mode = "builder";
    this.showBuilder();
    this.renderBuilder();
    if (this.textEl.value.trim()) this.validate(); else this.setStatus("", "");
  };

  Editor.prototype.kind = function () { return this.kindEl.value; };

  Editor.prototype.setMode = function (mode) {
    this.mode = mode;
    document.querySelectorAll("[data-mode]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-mode") === mode ? "true" : "false");
    });
    this.showBuilder();
    if (mode === "text") this.textEl.focus();
  };

  Editor.prototype.showBuilder = function () {
    var segment = this.kind() === "segment";
    this.builderEl.hidden = !segment || this.mode === "text";
    document.getElementById("builder-unavailable").hidden = segment;
    document.getElementById("builder-stale").hidden = this.builderEl.hidden || !this.builderStale;
  };

  // While the typed text does not parse, the builder still holds the last valid formula's rows: it is
  // greyed out and locked (editing it would write those old rows over the text) until the text is valid.
  Editor.prototype.setBuilderStale = function (stale) {
    this.builderStale = stale;
    this.builderEl.classList.toggle("metrics-builder-stale", stale);
    var root = this.builderEl.firstElementChild;
    if (root) root.disabled = stale;
    this.showBuilder();
  };


  // -- validation ----------------------------------------------------------------------------------
  Editor.prototype.setStatus = function (text, kind) {
    this.statusEl.textContent = text;
    this.statusEl.className = "metrics-status" + (kind ? " metrics-status-" + kind : "");
    this.textEl.setAttribute("aria-invalid", kind === "error" ? "true" : "false");
  };

  Editor.prototype.validate = function () {
    var self = this;
    var formula = this.textEl.value;
    var seq = ++this.seq;
    if (!formula.trim()) {
      this.validation = null;
      this.setStatus("Add a condition or type a formula.", "");
      if (this.lastEdit === "text") {
        this.tree = { type: "group", op: "and", negated: false, items: [] };
        this.renderBuilder();
        this.setBuilderStale(false);
      }
      this.markPreview();
      return Promise.resolve(null);
    }
    var body = { formula: formula, kind: this.kind() };
    if (this.config.code) body.code = this.config.code;
    this.setStatus("Checking…", "");
    return api("POST", "/validate", body).then(function (result) {
      if (seq !== self.seq) return null;
      var data = result.data || {};
      self.validation = data;
      if (data.ok) {
        var used = data.attributes.length ? " Uses " + data.attributes.join(", ") + "." : "";
        self.setStatus("✓ Valid " + self.kind() + " (" + data.type + ")." + used, "ok");
        if (self.lastEdit === "text" && data.builder) {
          self.tree = data.builder;
          self.renderBuilder();
        }
        self.setBuilderStale(self.lastEdit === "text" && !data.builder && self.kind() === "segment");
      } else if (data.errors && data.errors.length) {
        var e = data.errors[0];
        var expected = e.expected && e.expected.length ? " Expected: " + e.expected.slice(0, 6).join(", ") + "." : "";
        self.setStatus("Line " + e.line + ", column " + e.column + ": " + e.message + "." + expected, "error");
        if (self.lastEdit === "text") self.setBuilderStale(true);
      } else {
        self.setStatus(data.detail || "Could not check the formula.", "error");
        if (self.lastEdit === "text") self.setBuilderStale(true);
      }
      self.markPreview();
      return data;
    }).catch(function () {
      if (seq !== self.seq) return;
      self.setStatus("Could not reach the server to check the formula.", "error");
      if (self.lastEdit === "text") self.setBuilderStale(true);
    });
  };


  // -- save --------------------------------------------------------------------------------------------
  Editor.prototype.fieldError = function (name, message) {
    var input = document.getElementById("metric-" + name);
    var error = document.getElementById("metric-" + name + "-error");
    if (!error || !input) return false;
    error.textContent = message || "";
    error.hidden = !message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
    return true;
  };

  Editor.prototype.save = function () {
    var self = this;
    var status = document.getElementById("save-status");
    ["code", "name"].forEach(function (f) { self.fieldError(f, ""); });
    var body = {
      name: document.getElementById("metric-name").value,
      description: document.getElementById("metric-description").value,
      kind: this.kind(),
      formula: this.textEl.value,
      unit: document.getElementById("metric-unit").value,
      format: document.getElementById("metric-format").value
    };
    var request;
    if (this.config.mode === "new") {
      body.code = document.getElementById("metric-code").value.trim();
      request = api("POST", "/definitions", body);
    } else {
      var note = document.getElementById("metric-note");
      body.change_note = note ? note.value : "";
      body.expected_version = this.config.version;
      request = api("PATCH", "/definitions/" + encodeURIComponent(this.config.code), body);
    }
    status.textContent = "Saving…";
    status.className = "small";
    request.then(function (result) {
      var data = result.data || {};
      if (result.ok) {
        var unchanged = self.config.mode === "edit" && data.version === self.config.version;
        carryToast(unchanged ? "Nothing changed, so no new version was saved." : "Saved version " + data.version + ".",
                   unchanged ? "info" : "success");
        window.location.assign("/metrics/" + encodeURIComponent(data.code) + "/");
        return;
      }
      status.className = "small text-danger";
      var errors = data.errors || [];
      errors.forEach(function (e) {
        if (e.field === "formula") {
          self.setStatus("Line " + e.line + ", column " + e.column + ": " + e.message + ".", "error");
        } else {
          self.fieldError(e.field, e.message);
        }
      });
      status.textContent = result.status === 409 ? data.detail : (data.detail || "Could not save.");
    });
  };

  Editor.prototype.compare = function () {
    var from = document.querySelector("input[name=diff-from]:checked");
    var to = document.querySelector("input[name=diff-to]:checked");
    var target = document.getElementById("metric-diff");
    if (!from || !to) return;
    api("GET", "/definitions/" + encodeURIComponent(this.config.code) + "/diff?from=" + from.value + "&to=" + to.value)
      .then(function (result) {
        target.textContent = "";
        var data = result.data || {};
        if (!result.ok) { target.appendChild(el("div", { className: "alert alert-error", text: data.detail })); return; }
        target.appendChild(el("p", { className: "small", text: "Version " + from.value + " → " + to.value + (data.changes.length ? "" : ": no differences") }));
        var formula = el("pre", { className: "metrics-code metrics-diff" });
        data.formula_diff.forEach(function (part) {
          var tag = part.op === "insert" ? "ins" : part.op === "delete" ? "del" : "span";
          formula.appendChild(el(tag, { text: part.text }));
        });
        target.appendChild(formula);
        var list = el("dl", { className: "small metrics-changes" });
        data.changes.filter(function (c) { return c.field !== "formula"; }).forEach(function (c) {
          list.appendChild(el("dt", { text: c.field }));
          list.appendChild(el("dd", {}, [el("del", { text: c.before || "(empty)" }), document.createTextNode(" → "), el("ins", { text: c.after || "(empty)" })]));
        });
        target.appendChild(list);
      });
  };

  Editor.prototype.restoreVersion = function (version) {
    var self = this;
    var ask = window.Leora && window.Leora.confirm
      ? window.Leora.confirm("Save version " + version + " again as the newest version?", { title: "Restore version " + version, confirmLabel: "Restore", danger: false })
      : Promise.resolve(window.confirm("Restore version " + version + "?"));
    ask.then(function (yes) {
      if (!yes) return;
      api("POST", "/definitions/" + encodeURIComponent(self.config.code) + "/versions/" + version + "/restore",
          { expected_version: self.config.version }).then(function (result) {
        if (result.ok) { carryToast("Version " + version + " saved as version " + result.data.version + ".", "success"); window.location.reload(); return; }
        toast((result.data && result.data.detail) || "Could not restore.", "error");
      });
    });
  };

  Editor.prototype.lifecycle = function (action) {
    var self = this;
    var path = "/definitions/" + encodeURIComponent(this.config.code);
    var run = function () {
      var request = action === "deprecate" ? api("DELETE", path) : api("POST", path + "/restore");
      request.then(function (result) {
        if (result.ok) { window.location.reload(); return; }
        toast((result.data && result.data.detail) || "Could not change the metric.", "error");
      });
    };
    if (action !== "deprecate") { run(); return; }
    var ask = window.Leora && window.Leora.confirm
      ? window.Leora.confirm("Dashboards keep working; the metric is hidden from the list until restored.", { title: "Deprecate " + self.config.code + "?", confirmLabel: "Deprecate" })
      : Promise.resolve(window.confirm("Deprecate this metric?"));
    ask.then(function (yes) { if (yes) run(); });
  };

  Object.assign(Editor.prototype, M.builder, M.preview);

  function start() {
    var configEl = document.getElementById("metric-editor-config");
    var root = document.getElementById("metric-editor");
    if (configEl && root) window.metricEditor = new Editor(root, JSON.parse(configEl.textContent));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
