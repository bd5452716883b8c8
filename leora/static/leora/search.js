/*
 * Search everywhere: the top bar's search box as a combobox over a listbox of results.
 *
 * Markup (base.html): an input[data-search-input] with role="combobox", aria-controls naming the
 * listbox (role="listbox"), and hx-get asking /search/ for the options as one types (debounced by htmx).
 * The server renders the options (crm/search/_results.html): links with role="option" and an id,
 * grouped by kind. This script only moves between them:
 *
 *   /            focuses the box from anywhere on the page, unless one is typing in a field; on a
 *                phone it opens the menu that holds the box first
 *   ArrowDown/Up moves the active option (aria-activedescendant; focus stays in the box)
 *   Enter        opens the active option; with none active the form submits to the search page
 *   Escape       closes the results (a second Escape clears the box)
 *
 * Without this script the form still submits to the search page, which lists the same results.
 */
(function () {
  "use strict";

  function isTypingTarget(element) {
    if (!element) return false;
    if (element.isContentEditable) return true;
    var tag = element.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function setup(input) {
    var listbox = document.getElementById(input.getAttribute("aria-controls"));
    var status = document.getElementById(input.getAttribute("data-search-status"));
    if (!listbox) return;

    function options() {
      return Array.prototype.slice.call(listbox.querySelectorAll('[role="option"]:not([aria-disabled="true"])'));
    }

    function active() {
      var id = input.getAttribute("aria-activedescendant");
      return id ? document.getElementById(id) : null;
    }

    function setActive(option) {
      var previous = active();
      if (previous) {
        previous.setAttribute("aria-selected", "false");
        previous.classList.remove("active");
      }
      if (!option) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      option.setAttribute("aria-selected", "true");
      option.classList.add("active");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function hasResults() {
      return listbox.querySelector('[role="option"]') !== null;
    }

    function open() {
      if (!hasResults()) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(null);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function isOpen() {
      return !listbox.hidden;
    }

    function move(step) {
      var list = options();
      if (!list.length) return;
      if (!isOpen()) open();
      var index = list.indexOf(active());
      var next = index < 0 ? (step > 0 ? 0 : list.length - 1) : (index + step + list.length) % list.length;
      setActive(list[next]);
    }

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        var option = isOpen() ? active() : null;
        if (option && option.href) {
          event.preventDefault();
          window.location.assign(option.href);
        } else if (option) {
          // An option that opens nothing (a product): keep the results as they are.
          event.preventDefault();
        }
      } else if (event.key === "Escape") {
        // Handled here so the menu around the box (on a phone) stays open.
        event.stopPropagation();
        if (isOpen()) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        } else {
          input.blur();
        }
      } else if (event.key === "Home" || event.key === "End") {
        if (isOpen() && active()) {
          event.preventDefault();
          var list = options();
          setActive(event.key === "Home" ? list[0] : list[list.length - 1]);
        }
      }
    });

    input.addEventListener("focus", open);

    listbox.addEventListener("mousemove", function (event) {
      var option = event.target.closest('[role="option"]:not([aria-disabled="true"])');
      if (option && option !== active()) setActive(option);
    });
    // A click on an option must not blur the box first (which would close the list under the pointer).
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });

    document.addEventListener("click", function (event) {
      if (!isOpen()) return;
      if (event.target === input || listbox.contains(event.target)) return;
      close();
    });
    input.addEventListener("blur", function (event) {
      // Focus leaving for another control (Tab) closes the list; a click inside it keeps the focus.
      if (!listbox.contains(event.relatedTarget)) close();
    });

    // Each answer replaces the options: start again from none active and say how many were found.
    listbox.addEventListener("htmx:afterSwap", function () {
      setActive(null);
      var found = options().filter(function (option) {
        return !option.classList.contains("search-all");
      }).length;
      if (status) {
        status.textContent = input.value.trim().length < 2 ? "" : found + " result" + (found === 1 ? "" : "s");
      }
      if (hasResults() && document.activeElement === input) {
        open();
      } else {
        close();
      }
    });
  }

  function focusSearch() {
    var input = document.querySelector("[data-search-input]");
    if (!input) return;
    if (!input.offsetParent) {
      // On a phone the box lives in the collapsed menu: open it, as its Menu button would.
      var toggle = document.querySelector(".nav-toggle[aria-expanded='false']");
      if (toggle) toggle.click();
    }
    input.focus();
    input.select();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTypingTarget(event.target) || event.defaultPrevented) return;
    if (document.querySelector("dialog[open]")) return;
    event.preventDefault();
    focusSearch();
  });

  function init() {
    document.querySelectorAll("[data-search-input]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
