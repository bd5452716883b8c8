/*
 * Metric pages: the formula builder (rows and nested AND/OR groups) kept in sync with the formula
 * text both ways, live validation, the "Test" preview, saving through the JSON API with the
 * session (X-CSRFToken), the history diff and restore, and import.
 *
 * Builder -> text is done here; text -> builder comes back from POST /api/metrics/validate, so the
 * server's parser stays the only one.
 */
(function () {
  "use strict";

  var API = "/api/metrics";
  var OPS = {
    number: ["=", "!=", ">", ">=", "<", "<=", "between", "is null", "is not null"],
    duration: ["=", "!=", ">", ">=", "<", "<=", "between", "is null", "is not null"],
    date: ["=", "!=", ">", ">=", "<", "<=", "between", "is null", "is not null"],
    text: ["=", "!=", "in", "not in", "is null", "is not null"],
    boolean: ["is true", "is false"],
    custom: ["=", "!=", ">", ">=", "<", "<=", "between", "in", "not in", "is null", "is not null", "is true", "is false"]
  };
  var OP_LABELS = {
    "=": "= equals", "!=": "≠ is not", ">": "> more than", ">=": "≥ at least", "<": "< less than",
    "<=": "≤ at most", "between": "between", "in": "is one of", "not in": "is none of",
    "is null": "is empty", "is not null": "is not empty", "is true": "is true", "is false": "is false",
    "formula": "formula"
  };
  var NO_VALUE = ["is null", "is not null", "is true", "is false"];

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function api(method, path, body, contentType) {
    var headers = { "X-CSRFToken": csrfToken(), "Accept": "application/json" };
    var payload;
    if (body !== undefined) {
      headers["Content-Type"] = contentType || "application/json";
      payload = typeof body === "string" ? body : JSON.stringify(body);
    }
    return fetch(API + path, { method: method, headers: headers, body: payload, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
          return { status: response.status, ok: response.ok, data: data };
        });
      });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "className") node.className = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function toast(text, kind) {
    if (window.Leora && window.Leora.toast) window.Leora.toast(text, kind);
  }

  // A toast meant for the page we are about to load: shown once by start() there.
  function carryToast(text, kind) {
    try { sessionStorage.setItem("leora-metrics-toast", JSON.stringify({ text: text, kind: kind })); } catch (e) { /* private mode */ }
  }

  function showCarriedToast() {
    try {
      var saved = sessionStorage.getItem("leora-metrics-toast");
      if (!saved) return;
      sessionStorage.removeItem("leora-metrics-toast");
      var message = JSON.parse(saved);
      toast(message.text, message.kind);
    } catch (e) { /* nothing to show */ }
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

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
    this.textEl.addEventListener("input", function () { self.lastEdit = "text"; self.validateSoon(); });
    this.kindEl.addEventListener("change", function () { self.showBuilder(); self.validate(); });
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
  };

  // -- builder model -> text ----------------------------------------------------------------------
  Editor.prototype.quoteIfText = function (left, value) {
    var v = value.trim();
    if (this.types[left] !== "text" || v === "") return v;
    if (/^'.*'$|^".*"$/.test(v)) return v;
    return "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
  };

  Editor.prototype.rowText = function (row) {
    var self = this;
    if (row.op === "formula") return row.value.trim() ? "(" + row.value.trim() + ")" : "";
    if (!row.left) return "";
    var left = row.left;
    switch (row.op) {
      case "is null": return left + " is null";
      case "is not null": return left + " is not null";
      case "is true": return left;
      case "is false": return "not " + left;
      case "between":
        if (!row.value.trim() || !(row.value2 || "").trim()) return "";
        return left + " between " + row.value.trim() + " and " + row.value2.trim();
      case "in":
      case "not in":
        var items = row.value.split(",").map(function (v) { return self.quoteIfText(left, v); })
          .filter(function (v) { return v !== ""; });
        return items.length ? left + " " + row.op + " [" + items.join(", ") + "]" : "";
      default:
        var value = this.quoteIfText(left, row.value);
        return value === "" ? "" : left + " " + row.op + " " + value;
    }
  };

  Editor.prototype.groupText = function (group) {
    var self = this;
    var parts = group.items.map(function (item) {
      if (item.type === "group") {
        var inner = self.groupText(item);
        return inner ? "(" + inner + ")" : "";
      }
      return self.rowText(item);
    }).filter(function (t) { return t !== ""; });
    var text = parts.join(" " + group.op + " ");
    if (group.negated && text) text = "not (" + text + ")";
    return text;
  };

  Editor.prototype.builderChanged = function () {
    this.lastEdit = "builder";
    this.textEl.value = this.groupText(this.tree);
    this.validateSoon();
  };

  // -- builder rendering ----------------------------------------------------------------------------
  Editor.prototype.renderBuilder = function () {
    this.builderEl.textContent = "";
    this.rowCount = 0;
    this.builderEl.appendChild(this.renderGroup(this.tree, null, 0));
  };

  Editor.prototype.renderGroup = function (group, parent, depth) {
    var self = this;
    var box = el("fieldset", { className: "metrics-group" + (depth ? " metrics-group-nested" : ""), "data-depth": String(depth) });
    var legendId = "group-" + Math.random().toString(36).slice(2, 8);
    var opSelect = el("select", { className: "select metrics-group-op", "aria-label": "Match", id: legendId });
    [["and", "All of these (and)"], ["or", "Any of these (or)"]].forEach(function (pair) {
      var option = el("option", { value: pair[0], text: pair[1] });
      if (group.op === pair[0]) option.selected = true;
      opSelect.appendChild(option);
    });
    opSelect.addEventListener("change", function () { group.op = opSelect.value; self.builderChanged(); });
    var negate = el("input", { type: "checkbox", className: "metrics-group-not" });
    negate.checked = !!group.negated;
    negate.addEventListener("change", function () { group.negated = negate.checked; self.builderChanged(); });
    var head = el("legend", { className: "metrics-group-head" }, [
      opSelect,
      el("label", { className: "small metrics-inline" }, [negate, document.createTextNode(" Not")])
    ]);
    box.appendChild(head);
    var list = el("div", { className: "metrics-group-items" });
    group.items.forEach(function (item) {
      list.appendChild(item.type === "group" ? self.renderGroup(item, group, depth + 1) : self.renderRow(item, group));
    });
    box.appendChild(list);
    var addRow = el("button", { type: "button", className: "btn btn-secondary btn-sm", text: "Add condition" });
    addRow.addEventListener("click", function () {
      group.items.push({ type: "row", left: "", op: ">", value: "" });
      self.renderBuilder();
      self.focusLastRowIn(group);
    });
    var actions = [addRow];
    if (depth < 4) {
      var addGroup = el("button", { type: "button", className: "btn btn-secondary btn-sm", text: "Add group" });
      addGroup.addEventListener("click", function () {
        group.items.push({ type: "group", op: group.op === "and" ? "or" : "and", negated: false, items: [] });
        self.renderBuilder();
      });
      actions.push(addGroup);
    }
    if (parent) {
      var remove = el("button", { type: "button", className: "btn btn-ghost btn-sm", text: "Remove group" });
      remove.addEventListener("click", function () {
        parent.items.splice(parent.items.indexOf(group), 1);
        self.renderBuilder();
        self.builderChanged();
      });
      actions.push(remove);
    }
    box.appendChild(el("div", { className: "cluster metrics-group-actions" }, actions));
    group._el = box;
    return box;
  };

  Editor.prototype.focusLastRowIn = function (group) {
    var rows = group._el ? group._el.querySelectorAll(":scope > .metrics-group-items > .metrics-row") : [];
    if (rows.length) rows[rows.length - 1].querySelector("select, input").focus();
  };

  Editor.prototype.renderRow = function (row, group) {
    var self = this;
    this.rowCount += 1;
    var n = this.rowCount;
    var wrap = el("div", { className: "metrics-row", role: "group", "aria-label": "Condition " + n });
    if (row.op === "formula") {
      var raw = el("input", { className: "input mono", "aria-label": "Condition " + n + " formula", value: row.value });
      raw.addEventListener("input", function () { row.value = raw.value; self.builderChanged(); });
      wrap.appendChild(raw);
    } else {
      var left = el("select", { className: "select metrics-left", "aria-label": "Condition " + n + " attribute" });
      left.appendChild(el("option", { value: "", text: "Choose…" }));
      var groups = {};
      this.config.attributes.forEach(function (a) {
        var label = { number: "Numbers", duration: "Durations (days)", date: "Dates", text: "Text", boolean: "Yes / no" }[a.type];
        if (!groups[label]) { groups[label] = el("optgroup", { label: label }); left.appendChild(groups[label]); }
        groups[label].appendChild(el("option", { value: a.name, text: a.name }));
      });
      if (this.config.segments.length) {
        var metrics = el("optgroup", { label: "Other segments" });
        this.config.segments.forEach(function (code) { metrics.appendChild(el("option", { value: "metric." + code, text: "metric." + code })); });
        left.appendChild(metrics);
      }
      var known = Object.prototype.hasOwnProperty.call(this.types, row.left);
      if (row.left && !known) left.appendChild(el("option", { value: row.left, text: row.left }));
      left.value = row.left;
      var type = known ? this.types[row.left] : "custom";
      var ops = row.left ? OPS[type] : OPS.number;
      if (ops.indexOf(row.op) < 0) row.op = ops[0];
      var op = el("select", { className: "select metrics-op", "aria-label": "Condition " + n + " comparison" });
      ops.forEach(function (o) { op.appendChild(el("option", { value: o, text: OP_LABELS[o] })); });
      op.value = row.op;
      wrap.appendChild(left);
      wrap.appendChild(op);
      var needsValue = NO_VALUE.indexOf(row.op) < 0;
      var hint = type === "duration" ? "days" : type === "date" ? "e.g. today + 7 days" : type === "text" ? "text" : "number";
      if (needsValue) {
        var choices = this.choices[row.left] || [];
        var listId = choices.length ? "choices-" + n : null;
        var value = el("input", { className: "input metrics-value", "aria-label": "Condition " + n + " value", placeholder: hint, value: row.value });
        if (listId) {
          value.setAttribute("list", listId);
          var datalist = el("datalist", { id: listId });
          choices.forEach(function (c) { datalist.appendChild(el("option", { value: c })); });
          wrap.appendChild(datalist);
        }
        value.addEventListener("input", function () { row.value = value.value; self.builderChanged(); });
        wrap.appendChild(value);
        if (row.op === "between") {
          var value2 = el("input", { className: "input metrics-value", "aria-label": "Condition " + n + " upper value", placeholder: "and", value: row.value2 || "" });
          value2.addEventListener("input", function () { row.value2 = value2.value; self.builderChanged(); });
          wrap.appendChild(el("span", { className: "small muted", text: "and" }));
          wrap.appendChild(value2);
        }
      }
      left.addEventListener("change", function () {
        row.left = left.value;
        var t = self.types[row.left] || "custom";
        if (OPS[t].indexOf(row.op) < 0) row.op = OPS[t][0];
        self.renderBuilder();
        self.builderChanged();
        self.focusRow(n, ".metrics-left");
      });
      op.addEventListener("change", function () {
        row.op = op.value;
        self.renderBuilder();
        self.builderChanged();
        self.focusRow(n, ".metrics-op");
      });
    }
    var remove = el("button", { type: "button", className: "btn btn-ghost btn-sm", "aria-label": "Remove condition " + n, text: "Remove" });
    remove.addEventListener("click", function () {
      group.items.splice(group.items.indexOf(row), 1);
      self.renderBuilder();
      self.builderChanged();
    });
    wrap.appendChild(remove);
    return wrap;
  };

  Editor.prototype.focusRow = function (n, selector) {
    var row = this.builderEl.querySelectorAll(".metrics-row")[n - 1];
    if (row && row.querySelector(selector)) row.querySelector(selector).focus();
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
      } else if (data.errors && data.errors.length) {
        var e = data.errors[0];
        var expected = e.expected && e.expected.length ? " Expected: " + e.expected.slice(0, 6).join(", ") + "." : "";
        self.setStatus("Line " + e.line + ", column " + e.column + ": " + e.message + "." + expected, "error");
      } else {
        self.setStatus(data.detail || "Could not check the formula.", "error");
      }
      return data;
    }).catch(function () { self.setStatus("Could not reach the server to check the formula.", "error"); });
  };

  // -- test (preview) ------------------------------------------------------------------------------
  Editor.prototype.test = function () {
    var self = this;
    var target = document.getElementById("metric-preview");
    target.textContent = "";
    target.appendChild(el("p", { className: "muted", text: "Running on live data…" }));
    api("POST", "/preview", { formula: this.textEl.value, kind: this.kind() }).then(function (result) {
      target.textContent = "";
      var data = result.data || {};
      if (!result.ok) {
        var message = data.errors && data.errors[0] ? data.errors[0].message : data.detail;
        target.appendChild(el("div", { className: "alert alert-error", text: message || "The formula could not be tested." }));
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
      ? window.Leora.confirm("Save version " + version + " again as the newest version?", { title: "Restore version " + version, ok: "Restore" })
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
      ? window.Leora.confirm("Dashboards keep working; the metric is hidden from the list until restored.", { title: "Deprecate " + self.config.code + "?", ok: "Deprecate" })
      : Promise.resolve(window.confirm("Deprecate this metric?"));
    ask.then(function (yes) { if (yes) run(); });
  };

  // ---------------------------------------------------------------------------------------------
  // Import
  // ---------------------------------------------------------------------------------------------
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
    showCarriedToast();
    var configEl = document.getElementById("metric-editor-config");
    var root = document.getElementById("metric-editor");
    if (configEl && root) window.metricEditor = new Editor(root, JSON.parse(configEl.textContent));
    var importer = document.getElementById("metric-import");
    if (importer) Importer(importer);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
