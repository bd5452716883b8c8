/*
 * Leora's own small script: the mobile menu, toasts, confirmation modals, copy buttons.
 * Pages work without it; it only adds comfort. Templates hold no inline scripts or event-handler
 * attributes (so a strict Content-Security-Policy can be turned on): behaviour hangs off the data-
 * attributes below. head.js, loaded before first paint, swaps <html class="no-js"> for "js".
 *
 *   Leora.toast(text, kind)      kind: "success" | "error" | "info"; also fired by an htmx response
 *                                header  HX-Trigger: {"toast": {"text": "Saved", "kind": "success"}}
 *   Leora.confirm(text, opts)    Promise<boolean> shown in the shared <dialog id="confirm-modal">;
 *                                every element with hx-confirm="..." uses it instead of window.confirm
 *   data-modal-open="<dialog id>" / data-modal-close   open or close any dialog.modal
 *   data-toggle-open="<id>"      a button that shows/hides element <id> (class "open") and keeps
 *                                its own aria-expanded in step, for disclosures on small screens
 *   data-compact-query           on a filter form: its htmx GETs leave out empty fields (and a
 *                                data-default-sort value of "sort"), so the pushed URL stays short
 *   data-open-details="<id>"     a link or button that opens <details id> (the calendar's "Add event"
 *                                pointing at its form), on top of whatever the link itself does
 *   data-copy="<id>"             a button that copies the text of element <id> to the clipboard;
 *                                render it hidden: it is shown once this script can work it, and
 *                                the text stays selectable without it
 *   data-swap-422                htmx requests from inside this element swap a 422 answer (the
 *                                form sent back with its inline errors) instead of treating it
 *                                as a failure
 *   Form modal                   an opener (a link or button with hx-get and
 *                                hx-target="#form-modal-body", and an id) loads a form into the
 *                                shared <dialog id="form-modal">, which opens with the focus on the
 *                                first field (the first invalid one after a 422). Escape or Cancel
 *                                closes it. A saved form's answer fires "form-saved" (the dialog
 *                                closes) and "records-changed" (regions re-fetch themselves); the
 *                                focus goes back to the opener, found again by id when the region
 *                                holding it was re-rendered.
 */
(function () {
  "use strict";

  function toast(text, kind) {
    var region = document.getElementById("toasts");
    if (!region || !text) return;
    var item = document.createElement("div");
    item.className = "toast toast-" + (kind || "info");
    var body = document.createElement("span");
    body.className = "toast-text";
    body.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () {
      item.remove();
    });
    item.appendChild(body);
    item.appendChild(close);
    region.appendChild(item);
    // Errors stay until dismissed: someone may need to read them twice.
    if (kind !== "error") {
      setTimeout(function () {
        item.remove();
      }, 6000);
    }
  }

  function confirmModal(text, opts) {
    opts = opts || {};
    var dialog = document.getElementById("confirm-modal");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.confirm(text));
    }
    dialog.querySelector("[data-confirm-title]").textContent = opts.title || "Are you sure?";
    dialog.querySelector("[data-confirm-text]").textContent = text;
    var ok = dialog.querySelector("[data-confirm-ok]");
    ok.textContent = opts.confirmLabel || "Confirm";
    ok.className = "btn " + (opts.danger === false ? "btn-primary" : "btn-danger");
    return new Promise(function (resolve) {
      dialog.returnValue = "";
      dialog.addEventListener(
        "close",
        function () {
          resolve(dialog.returnValue === "confirm");
        },
        { once: true }
      );
      dialog.showModal();
      dialog.querySelector("[data-modal-close]").focus();
    });
  }

  function copyText(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.textContent.trim();
    function done(ok) {
      button.textContent = ok ? "Copied" : "Select and copy it yourself";
      toast(ok ? "Copied to the clipboard." : "Copying was blocked by the browser.", ok ? "success" : "error");
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () {
          done(true);
        },
        function () {
          done(false);
        }
      );
      return;
    }
    // Plain http (a test server, an intranet): select the text and use the older copy command.
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    done(ok);
  }

  function revealCopyButtons(root) {
    root.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function setupNav() {
    var toggle = document.querySelector(".nav-toggle");
    var panel = document.getElementById("navpanel");
    if (!toggle || !panel) return;
    function setOpen(open) {
      panel.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    // The "More" menu closes when focus or a click goes elsewhere, and on Escape (back to its button).
    var menu = document.querySelector("[data-navmenu]");
    if (menu) {
      document.addEventListener("click", function (event) {
        if (menu.open && !menu.contains(event.target)) menu.open = false;
      });
      menu.addEventListener("focusout", function (event) {
        if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
      });
      menu.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && menu.open) {
          event.stopPropagation();
          menu.open = false;
          menu.querySelector("summary").focus();
        }
      });
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && panel.classList.contains("open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  document.addEventListener("click", function (event) {
    var toggler = event.target.closest("[data-toggle-open]");
    if (toggler) {
      var target = document.getElementById(toggler.getAttribute("data-toggle-open"));
      if (target) {
        var open = !target.classList.contains("open");
        target.classList.toggle("open", open);
        toggler.setAttribute("aria-expanded", open ? "true" : "false");
      }
      return;
    }
    var detailsOpener = event.target.closest("[data-open-details]");
    if (detailsOpener) {
      var details = document.getElementById(detailsOpener.getAttribute("data-open-details"));
      if (details) details.open = true;
      return;
    }
    var copier = event.target.closest("[data-copy]");
    if (copier) {
      copyText(copier);
      return;
    }
    var opener = event.target.closest("[data-modal-open]");
    if (opener) {
      var dialog = document.getElementById(opener.getAttribute("data-modal-open"));
      if (dialog && dialog.showModal) dialog.showModal();
      return;
    }
    var closer = event.target.closest("[data-modal-close]");
    if (closer) {
      var parent = closer.closest("dialog");
      if (parent) parent.close(closer.value || "");
    }
  });

  document.addEventListener("htmx:confirm", function (event) {
    var question = event.detail.question;
    if (!question) return;
    event.preventDefault();
    var el = event.detail.elt;
    confirmModal(question, {
      title: el.getAttribute("data-confirm-title"),
      confirmLabel: el.getAttribute("data-confirm-label"),
      danger: el.getAttribute("data-confirm-danger") !== "false",
    }).then(function (yes) {
      if (yes) event.detail.issueRequest(true);
    });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    if (detail.target && detail.target.id === "form-modal-body" && !detail.swapOverride) {
      // Settle in the same task as the swap: htmx binds the form's own triggers and scripts while
      // settling, and the field already has the focus (see afterSwap), so with the default delay
      // the first keys typed could land before anything listens to them.
      detail.swapOverride = "innerHTML settle:0ms";
    }
    if (detail.xhr && detail.xhr.status === 422 && detail.elt.closest && detail.elt.closest("[data-swap-422]")) {
      detail.shouldSwap = true;
      detail.isError = false;
    }
  });

  document.addEventListener("htmx:load", function (event) {
    revealCopyButtons(event.detail.elt);
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail;
    var form = detail.elt.closest && detail.elt.closest("[data-compact-query]");
    if (!form || detail.verb !== "get") return;
    var defaultSort = form.getAttribute("data-default-sort");
    var drop = [];
    detail.formData.forEach(function (value, key) {
      if (value === "" || (key === "sort" && value === defaultSort)) drop.push(key);
    });
    drop.forEach(function (key) {
      detail.formData.delete(key);
    });
  });

  // When a sort or page link replaces the region it lived in, focus would fall back to <body> and a
  // keyboard user would start again from the top; keep them in the region that just changed. Only a
  // region that held the focus when its request started qualifies, so background polls never move it.
  var regionsHoldingFocus = {};
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (!target || !target.id) return;
    var active = document.activeElement;
    if (active && active !== document.body && target.contains(active)) {
      regionsHoldingFocus[target.id] = true;
    } else {
      delete regionsHoldingFocus[target.id];
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var active = document.activeElement;
    if (active && active !== document.body) return;
    var id = event.detail.target && event.detail.target.id;
    if (!id || !regionsHoldingFocus[id]) return;
    delete regionsHoldingFocus[id];
    var region = document.getElementById(id);
    if (!region) return;
    if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "-1");
    region.focus({ preventScroll: true });
  });

  var formModalOpener = null;
  var focusAfterRefresh = null;
  function formModal() {
    return document.getElementById("form-modal");
  }
  function focusFirstField(root) {
    var target =
      root.querySelector('[aria-invalid="true"]') ||
      root.querySelector("[autofocus]") ||
      root.querySelector(".modal-form-body input:not([type=hidden]), .modal-form-body select, .modal-form-body textarea");
    if (target) target.focus();
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "form-modal-body") return;
    var xhr = event.detail.xhr;
    // A saved form's answer swaps nothing; it must not reopen the dialog it has just closed.
    if (xhr && (xhr.getResponseHeader("HX-Reswap") === "none" || !xhr.responseText)) return;
    var dialog = formModal();
    if (!dialog || !target.firstElementChild) return;
    if (!dialog.open) {
      var active = document.activeElement;
      formModalOpener = active && active.id ? active.id : null;
      dialog.showModal();
    }
    focusFirstField(target);
  });
  document.addEventListener("form-saved", function () {
    // The form stays in the DOM until the dialog's close event: events of the same answer that
    // come after this one are fired on the form and must still bubble up to <body>.
    var dialog = formModal();
    if (dialog && dialog.open) dialog.close("saved");
  });
  function onFormModalClose() {
    var body = document.getElementById("form-modal-body");
    if (body) body.innerHTML = "";
    if (!formModalOpener) return;
    var opener = document.getElementById(formModalOpener);
    if (opener) opener.focus();
    // The region holding the opener may be re-rendered by records-changed: focus its new copy then.
    focusAfterRefresh = formModalOpener;
    formModalOpener = null;
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (!focusAfterRefresh) return;
    var active = document.activeElement;
    var region = event.detail.target;
    // The region that was re-rendered may have taken the focus itself (see above): the opener wins.
    var regionHasIt = region && active && active.id && active.id === region.id;
    if (active && active !== document.body && active.isConnected && !regionHasIt) return;
    var opener = document.getElementById(focusAfterRefresh);
    focusAfterRefresh = null;
    if (opener) opener.focus();
  });

  document.addEventListener("toast", function (event) {
    var detail = event.detail || {};
    toast(detail.text || detail.value, detail.kind);
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 401 || status === 403) {
      toast("Your session has ended or you may not do this. Reload the page to sign in again.", "error");
    } else {
      toast("Something went wrong (" + status + "). Try again in a moment.", "error");
    }
  });
  document.addEventListener("htmx:sendError", function () {
    toast("You appear to be offline. Check your connection and try again.", "error");
  });

  function init() {
    setupNav();
    var dialog = formModal();
    if (dialog) dialog.addEventListener("close", onFormModalClose);
    revealCopyButtons(document);
    // Messages rendered by the server are already visible; give them the same dismissal as new toasts.
    document.querySelectorAll("#toasts .toast").forEach(function (item) {
      var close = item.querySelector(".toast-close");
      if (close) {
        close.addEventListener("click", function () {
          item.remove();
        });
      }
      if (!item.classList.contains("toast-error")) {
        setTimeout(function () {
          item.remove();
        }, 6000);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }

  window.Leora = { toast: toast, confirm: confirmModal };
})();
