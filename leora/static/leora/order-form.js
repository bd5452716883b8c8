/*
 * The order form's product picker and live totals (crm/orders/form.html). The form brings this
 * script with it, so it works in the shared form modal and as a page of its own; loading it twice is
 * harmless. The server recomputes every price and total when the order is saved and is the truth.
 *
 *   form[data-order-form]        data-options-url (the picker's options), data-currency-prefix and
 *                                data-currency-places (money written as the server writes it)
 *   input[data-product-search]   a combobox (aria-controls its listbox): typing asks the server for
 *                                matching products (debounced); ArrowDown/ArrowUp move through them,
 *                                Enter or a click adds the product as a line and focuses its quantity,
 *                                Escape closes the list (and only the list)
 *   [data-order-lines]           the lines; [data-line-template] is the row copied for a new product
 *   [data-order-line]            one line: [data-line-quantity] [data-line-price] [data-line-total]
 *                                [data-line-remove]; Enter in a quantity goes back to the search
 *   [data-order-total]           the order's total
 *   Ctrl+Enter (or Cmd+Enter) anywhere in the form saves it.
 */
(function () {
  "use strict";

  if (window.LeoraOrderForm) {
    window.LeoraOrderForm.initAll(document);
    return;
  }

  var SEARCH_DELAY_MS = 250;
  var lineCounter = 0;

  function toCents(text) {
    var cleaned = String(text || "").replace(/,/g, "").trim();
    if (!/^\d+(\.\d{0,2})?$|^\.\d{1,2}$/.test(cleaned)) return null;
    return Math.round(parseFloat(cleaned) * 100);
  }

  function formatMoney(form, cents) {
    var places = parseInt(form.getAttribute("data-currency-places") || "2", 10);
    var prefix = form.getAttribute("data-currency-prefix") || "";
    var value = cents / 100;
    var digits = value.toLocaleString("en-US", {
      minimumFractionDigits: places,
      maximumFractionDigits: places,
    });
    return prefix + digits;
  }

  function recompute(form) {
    var total = 0;
    var complete = true;
    form.querySelectorAll("[data-order-lines] [data-order-line]").forEach(function (line) {
      var quantity = parseInt(line.querySelector("[data-line-quantity]").value, 10);
      var price = toCents(line.querySelector("[data-line-price]").value);
      var output = line.querySelector("[data-line-total]");
      if (isNaN(quantity) || quantity < 1 || price === null) {
        output.textContent = "—";
        complete = false;
        return;
      }
      output.textContent = formatMoney(form, price * quantity);
      total += price * quantity;
    });
    var totalOutput = form.querySelector("[data-order-total]");
    if (totalOutput && form.querySelector("[data-order-lines]")) {
      totalOutput.textContent = formatMoney(form, total) + (complete ? "" : " so far");
    }
    var empty = form.querySelector("[data-order-empty]");
    if (empty) empty.hidden = !!form.querySelector("[data-order-lines] [data-order-line]");
  }

  function addLine(form, option) {
    var productId = option.getAttribute("data-product-id");
    var existing = null;
    form.querySelectorAll("[data-order-lines] [data-line-product]").forEach(function (input) {
      if (input.value === productId) existing = input.closest("[data-order-line]");
    });
    if (existing) {
      var quantity = existing.querySelector("[data-line-quantity]");
      quantity.focus();
      quantity.select();
      announce(form, option.getAttribute("data-name") + " is already on the order: change its quantity.");
      return;
    }
    var template = form.querySelector("[data-line-template]");
    if (!template) return;
    lineCounter += 1;
    var key = "new" + lineCounter;
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__index__/g, key);
    var line = holder.firstElementChild;
    while (line && !line.hasAttribute("data-order-line")) line = line.nextElementSibling;
    if (!line) return;
    line.querySelector("[data-line-product]").value = productId;
    line.querySelector("[data-line-name]").textContent = option.getAttribute("data-name");
    line.querySelector("[data-line-sku]").textContent = option.getAttribute("data-sku");
    line.querySelector("[data-line-price]").value = option.getAttribute("data-price");
    var removeName = line.querySelector("[data-line-remove-name]");
    if (removeName) removeName.textContent = " " + option.getAttribute("data-name");
    form.querySelector("[data-order-lines]").appendChild(line);
    recompute(form);
    announce(form, option.getAttribute("data-name") + " added.");
    var input = line.querySelector("[data-line-quantity]");
    input.focus();
    input.select();
  }

  function announce(form, text) {
    var status = form.querySelector("[data-picker-status]");
    if (status) status.textContent = text;
  }

  function setupPicker(form) {
    var input = form.querySelector("[data-product-search]");
    if (!input) return;
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var url = form.getAttribute("data-options-url");
    var timer = null;
    var controller = null;
    var asked = "";

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
    }
    function active() {
      var id = input.getAttribute("aria-activedescendant");
      return id ? document.getElementById(id) : null;
    }
    function setActive(option) {
      options().forEach(function (item) {
        item.setAttribute("aria-selected", item === option ? "true" : "false");
      });
      if (option) {
        input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function open(show) {
      listbox.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) setActive(null);
    }
    function choose(option) {
      if (!option) return;
      open(false);
      input.value = "";
      asked = "";
      listbox.innerHTML = "";
      addLine(form, option);
    }
    function search() {
      var term = input.value.trim();
      if (term === asked) return;
      asked = term;
      if (controller) controller.abort();
      if (!term) {
        listbox.innerHTML = "";
        open(false);
        return;
      }
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(term), {
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: controller.signal,
      })
        .then(function (response) {
          if (!response.ok) throw new Error("product search answered " + response.status);
          return response.text();
        })
        .then(function (html) {
          if (input.value.trim() !== term) return;
          listbox.innerHTML = html;
          var found = options();
          open(listbox.children.length > 0);
          setActive(found[0] || null);
          announce(form, found.length ? found.length + " product" + (found.length === 1 ? "" : "s") + " found." : "No product matches.");
        })
        .catch(function (error) {
          if (error.name === "AbortError") return;
          asked = "";
          announce(form, "Products could not be searched; try again.");
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, SEARCH_DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      var found = options();
      var current = active();
      var index = current ? found.indexOf(current) : -1;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!found.length) return;
        event.preventDefault();
        if (listbox.hidden) open(true);
        var step = event.key === "ArrowDown" ? 1 : -1;
        setActive(found[(index + step + found.length) % found.length]);
      } else if (event.key === "Enter") {
        // Enter in the search never submits the order.
        event.preventDefault();
        if (event.ctrlKey || event.metaKey) return;
        if (input.value.trim() !== asked) {
          clearTimeout(timer);
          search();
          return;
        }
        if (!listbox.hidden && current) choose(current);
      } else if (event.key === "Escape") {
        if (!listbox.hidden) {
          // Close the list only, not the modal around the form.
          event.preventDefault();
          event.stopPropagation();
          open(false);
        }
      } else if (event.key === "Home" || event.key === "End") {
        if (listbox.hidden || !found.length) return;
        event.preventDefault();
        setActive(event.key === "Home" ? found[0] : found[found.length - 1]);
      }
    });
    input.addEventListener("blur", function () {
      // Let a click on an option land before the list goes away.
      setTimeout(function () {
        if (document.activeElement !== input) open(false);
      }, 150);
    });
    input.addEventListener("focus", function () {
      if (options().length) {
        open(true);
        setActive(options()[0]);
      }
    });
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the search box
    });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]:not([aria-disabled="true"])');
      if (option) choose(option);
    });
    // The search box has the focus as soon as the modal opens, a moment before this runs: what was
    // typed in between is searched now.
    if (input.value.trim()) search();
  }

  function init(form) {
    if (form.hasAttribute("data-order-form-ready")) return;
    form.setAttribute("data-order-form-ready", "");
    setupPicker(form);
    form.addEventListener("input", function (event) {
      if (event.target.closest("[data-order-line]")) recompute(form);
    });
    form.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-line-remove]");
      if (!remove) return;
      var line = remove.closest("[data-order-line]");
      var next = line.nextElementSibling || line.previousElementSibling;
      line.remove();
      recompute(form);
      var focusTarget = next && next.querySelector("[data-line-quantity]");
      (focusTarget || form.querySelector("[data-product-search]") || form).focus();
    });
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
        return;
      }
      if (event.target.matches("[data-line-quantity], [data-line-price]")) {
        // Enter in a line goes back to the search for the next product instead of saving early.
        event.preventDefault();
        var search = form.querySelector("[data-product-search]");
        if (search) search.focus();
      }
    });
    recompute(form);
  }

  function initAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-order-form]")) init(scope);
    scope.querySelectorAll("[data-order-form]").forEach(init);
  }

  window.LeoraOrderForm = { initAll: initAll };
  document.addEventListener("htmx:load", function (event) {
    initAll(event.detail.elt);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      initAll(document);
    });
  } else {
    initAll(document);
  }
})();
