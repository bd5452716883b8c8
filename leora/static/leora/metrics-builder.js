/*
 * The formula builder of the metric editor: rows and nested AND/OR groups kept in sync with the
 * formula text. Builder -> text is done here; text -> builder comes back from
 * POST /api/metrics/validate, so the server's parser stays the only one.
 * Methods of the editor (metrics-editor.js mixes them in); needs metrics-common.js.
 */
(function () {
  "use strict";

  var el = window.LeoraMetrics.el;
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
  var builder = {};

  // -- builder model -> text ----------------------------------------------------------------------
  builder.quoteIfText = function (left, value) {
    var v = value.trim();
    if (this.types[left] !== "text" || v === "") return v;
    if (/^'.*'$|^".*"$/.test(v)) return v;
    return "'" + v.replace(/\\/g, "\\\\").replace(/'/g, "\\'") + "'";
  };

  builder.rowText = function (row) {
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

  builder.groupText = function (group) {
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

  builder.builderChanged = function () {
    this.lastEdit = "builder";
    this.textEl.value = this.groupText(this.tree);
    this.markPreview();
    this.validateSoon();
  };

  // -- builder rendering ----------------------------------------------------------------------------
  builder.renderBuilder = function () {
    this.builderEl.textContent = "";
    this.rowCount = 0;
    var root = this.renderGroup(this.tree, null, 0);
    if (this.builderStale) root.disabled = true;
    this.builderEl.appendChild(root);
  };

  builder.renderGroup = function (group, parent, depth) {
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

  builder.focusLastRowIn = function (group) {
    var rows = group._el ? group._el.querySelectorAll(":scope > .metrics-group-items > .metrics-row") : [];
    if (rows.length) rows[rows.length - 1].querySelector("select, input").focus();
  };

  builder.renderRow = function (row, group) {
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

  builder.focusRow = function (n, selector) {
    var row = this.builderEl.querySelectorAll(".metrics-row")[n - 1];
    if (row && row.querySelector(selector)) row.querySelector(selector).focus();
  };

  window.LeoraMetrics.builder = builder;
})();
