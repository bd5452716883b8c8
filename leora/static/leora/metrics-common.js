/*
 * What every metric page script shares: calls to the metrics JSON API with the session
 * (X-CSRFToken), a tiny element builder, toasts, and a toast carried over to the next page.
 * Loaded first; the others read it from window.LeoraMetrics.
 *
 *   metrics-common.js    this file
 *   metrics-builder.js   the formula builder: rows and nested AND/OR groups, written out as text
 *   metrics-preview.js   the editor's "Test" button: a sample of matching customers and the SQL
 *   metrics-editor.js    the metric editor page: definition fields, live validation, saving,
 *                        history and restore; it combines the builder and the preview
 *   metrics-transfer.js  the import / export page
 */
(function () {
  "use strict";

  var API = "/api/metrics";

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

  window.LeoraMetrics = { api: api, el: el, toast: toast, carryToast: carryToast, debounce: debounce };
  showCarriedToast();
})();
