/*
 * The dashboard page (dashboard/index.html): gridstack arranges the widgets on a 12-column grid, and
 * every change saves through the JSON API with the session (X-CSRFToken), like the metric pages do.
 *
 *   arranging     drag a card by its header, resize it from its corner (snapping to small 4x3, medium
 *                 6x4, large 12x5), or use its menu: Move up/down/left/right, Smaller, Larger, Hide,
 *                 Remove; hidden widgets come back from the "Hidden" menu. Every change is one
 *                 PUT /api/dashboard/widgets/layout of the whole grid (removing is a DELETE).
 *   undo / redo   the last 20 layout changes, Ctrl+Z / Ctrl+Y (Cmd on a Mac, Ctrl+Shift+Z too) and the
 *                 buttons; kept in sessionStorage so a reload keeps them, dropped when the layout on
 *                 the page is not the one they were recorded against.
 *   bodies        each card's body loads with htmx (hx-trigger "load, dashboard-refresh"); the request
 *                 path is built here at send time, since a person's first change copies the default
 *                 layout and gives every widget a new id. A failing body shows its own error and Retry.
 *   auto-refresh  per widget, remembered in localStorage; skipped while the tab is hidden or the focus
 *                 is inside the widget, so a poll never takes the focus or the content from under you.
 *   library       "Add widget": the catalog of GET /api/dashboard/widgets/layout, each type previewed
 *                 with the viewer's own data (dashboard_widget_preview) before it is added.
 *   configure     a form built from the type's JSON schema (config_schema), saved with PATCH.
 *   phones        under 768 px the grid is a single column in the saved order; gridstack is not
 *                 started there, so a narrow screen never rewrites the wide layout.
 *
 * Changes are announced in the aria-live region #dashboard-status.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-dashboard]");
  if (!root) return;

  var SIZES = { small: [4, 3], medium: [6, 4], large: [12, 5] };
  var SIZE_ORDER = ["small", "medium", "large"];
  var COLUMNS = parseInt(root.getAttribute("data-columns"), 10) || 12;
  var CELL_HEIGHT = parseInt(root.getAttribute("data-cell-height"), 10) || 88;
  var HISTORY_LIMIT = 20;
  var REFRESH_MS = 60000;
  var API = root.getAttribute("data-api");
  var scope = root.getAttribute("data-scope");
  var repId = root.getAttribute("data-rep-id");
  var hiddenBox = document.querySelector("[data-dashboard-hidden]");
  var statusRegion = document.querySelector("[data-dashboard-status]");
  var undoButton = document.querySelector("[data-dashboard-undo]");
  var redoButton = document.querySelector("[data-dashboard-redo]");
  var wide = window.matchMedia("(min-width: 768px)");
  var historyKey = "leora-dashboard-history:" + root.getAttribute("data-user") + ":" + scope;
  var refreshKey = "leora-dashboard-refresh:" + root.getAttribute("data-user");

  var grid = null;
  var catalog = null;
  var undoStack = [];
  var redoStack = [];
  var queue = Promise.resolve();
  // The state before a drag or resize started, recorded as one undo step when it ends.
  var pending = null;

  // ------------------------------------------------------------------------------------------ API

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function apiCall(method, path, body) {
    var url = API + path + (scope === "tenant" ? (path.indexOf("?") < 0 ? "?" : "&") + "scope=tenant" : "");
    var headers = { "X-CSRFToken": csrfToken(), Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    }).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch (e) {
          data = { detail: text };
        }
        if (!response.ok) {
          var error = new Error((data && data.detail) || "The server answered " + response.status);
          error.status = response.status;
          error.data = data;
          throw error;
        }
        return data;
      });
    });
  }

  function pageQuery(extra) {
    var params = new URLSearchParams();
    if (repId) params.set("rep_id", repId);
    if (scope === "tenant") params.set("scope", "tenant");
    Object.keys(extra || {}).forEach(function (key) {
      params.set(key, extra[key]);
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function urlWithId(template, id) {
    return template.replace("/0/", "/" + id + "/");
  }

  function toast(text, kind) {
    if (window.Leora && window.Leora.toast) window.Leora.toast(text, kind);
  }

  function announce(text) {
    if (!statusRegion) return;
    // Cleared first so the same sentence twice in a row is read twice.
    statusRegion.textContent = "";
    window.setTimeout(function () {
      statusRegion.textContent = text;
    }, 50);
  }

  // Layout changes run one after another, each on the state the previous one left. While any runs, the
  // grid carries data-busy (a spinner-free hint for tests and styles).
  var running = 0;
  function enqueue(task) {
    running += 1;
    root.setAttribute("data-busy", "true");
    queue = queue
      .then(task)
      .catch(function (error) {
        toast("The dashboard could not be saved: " + error.message + " Reload the page to see what was kept.", "error");
      })
      .then(function () {
        running -= 1;
        if (!running) root.removeAttribute("data-busy");
      });
    return queue;
  }

  // ---------------------------------------------------------------------------------- the widgets

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-widget]"));
  }

  function byKey(key) {
    return items().filter(function (el) {
      return el.getAttribute("data-widget-key") === key;
    })[0];
  }

  function isVisible(el) {
    return el.getAttribute("data-widget-visible") === "true";
  }

  function titleOf(el) {
    return el.getAttribute("data-widget-title");
  }

  function sizeOf(w) {
    if (w <= 4) return "small";
    if (w <= 8) return "medium";
    return "large";
  }

  function placeOf(el) {
    var node = el.gridstackNode;
    if (node && grid && isVisible(el)) return { x: node.x, y: node.y, w: node.w, h: node.h };
    return {
      x: parseInt(el.getAttribute("gs-x") || "0", 10),
      y: parseInt(el.getAttribute("gs-y") || "0", 10),
      w: parseInt(el.getAttribute("gs-w") || "1", 10),
      h: parseInt(el.getAttribute("gs-h") || "1", 10),
    };
  }

  function writePlace(el, place) {
    ["x", "y", "w", "h"].forEach(function (k) {
      el.setAttribute("gs-" + k, String(place[k]));
    });
    SIZE_ORDER.forEach(function (name) {
      el.classList.toggle("widget-size-" + name, name === sizeOf(place.w));
    });
  }

  function readConfig(el) {
    try {
      return JSON.parse(el.getAttribute("data-widget-config") || "{}");
    } catch (e) {
      return {};
    }
  }

  // Every widget in saving order: top to bottom, left to right (hidden ones where they were).
  function ordered() {
    return items()
      .map(function (el, index) {
        var place = placeOf(el);
        return { el: el, place: place, index: index };
      })
      .sort(function (a, b) {
        return a.place.y - b.place.y || a.place.x - b.place.x || a.index - b.index;
      });
  }

  function snapshot() {
    return ordered().map(function (entry) {
      var el = entry.el;
      return {
        key: el.getAttribute("data-widget-key"),
        type: el.getAttribute("data-widget-type"),
        config: readConfig(el),
        x: entry.place.x,
        y: entry.place.y,
        w: entry.place.w,
        h: entry.place.h,
        visible: isVisible(el),
      };
    });
  }

  function sameState(a, b) {
    function canonical(state) {
      return JSON.stringify(
        state
          .map(function (e) {
            return [e.key, e.x, e.y, e.w, e.h, e.visible];
          })
          .sort()
      );
    }
    return canonical(a) === canonical(b);
  }

  // Keyboard order follows the visual order, so Tab walks the cards as they are seen.
  function sortDom() {
    var focused = document.activeElement;
    ordered().forEach(function (entry) {
      if (isVisible(entry.el)) root.appendChild(entry.el);
    });
    if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus({ preventScroll: true });
    updateEmpty();
  }

  function updateEmpty() {
    var empty = document.querySelector("[data-dashboard-empty]");
    var any = items().some(isVisible);
    if (empty) empty.hidden = any;
    if (!grid) root.style.height = "";
  }

  // ----------------------------------------------------------------------------------- saving

  function save() {
    var entries = ordered();
    var body = {
      widgets: entries.map(function (entry) {
        var id = parseInt(entry.el.getAttribute("data-widget-id"), 10);
        return { id: id, x: entry.place.x, y: entry.place.y, w: entry.place.w, h: entry.place.h, visible: isVisible(entry.el) };
      }),
    };
    return apiCall("PUT", "/layout", body).then(function (data) {
      // A person's first change copies the default layout: the same widgets, in the order sent, with new ids.
      data.widgets.forEach(function (widget, i) {
        if (entries[i]) entries[i].el.setAttribute("data-widget-id", String(widget.id));
      });
      setSource(data.source);
    });
  }

  function setSource(source) {
    root.setAttribute("data-source", source);
    var reset = document.querySelector('[data-more-menu] [data-action="reset"]');
    if (reset) {
      if (source === "own") reset.removeAttribute("aria-disabled");
      else reset.setAttribute("aria-disabled", "true");
    }
  }

  // Before a change that names one widget by id, make sure the ids are those of the layout it lands on.
  function ensureOwn() {
    if (scope === "tenant" || root.getAttribute("data-source") === "own") return Promise.resolve();
    return save();
  }

  // ----------------------------------------------------------------------------------- history

  function persistHistory() {
    try {
      sessionStorage.setItem(historyKey, JSON.stringify({ undo: undoStack, redo: redoStack, current: snapshot() }));
    } catch (e) {
      /* private mode: history lives for this page only */
    }
    undoButton.disabled = !undoStack.length;
    redoButton.disabled = !redoStack.length;
  }

  function restoreHistory() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(historyKey) || "null");
      if (saved && saved.current && sameState(saved.current, snapshot())) {
        undoStack = saved.undo || [];
        redoStack = saved.redo || [];
      }
    } catch (e) {
      undoStack = [];
      redoStack = [];
    }
    persistHistory();
  }

  function record(before) {
    if (sameState(before, snapshot())) return false;
    undoStack.push(before);
    if (undoStack.length > HISTORY_LIMIT) undoStack.shift();
    redoStack = [];
    persistHistory();
    return true;
  }

  // A widget added again by undo or redo gets a new key; the history refers to it by the new one.
  function renameKey(oldKey, newKey) {
    [undoStack, redoStack].forEach(function (stack) {
      stack.forEach(function (state) {
        state.forEach(function (entry) {
          if (entry.key === oldKey) entry.key = newKey;
        });
      });
    });
  }

  function applyState(target) {
    return ensureOwn()
      .then(function () {
        var wanted = {};
        target.forEach(function (entry) {
          wanted[entry.key] = entry;
        });
        var steps = Promise.resolve();
        items().forEach(function (el) {
          var key = el.getAttribute("data-widget-key");
          if (!wanted[key]) {
            steps = steps.then(function () {
              return apiCall("DELETE", "/" + el.getAttribute("data-widget-id")).then(function () {
                detach(el);
              });
            });
          }
        });
        target.forEach(function (entry) {
          if (byKey(entry.key)) return;
          steps = steps.then(function () {
            return addWidget(entry.type, entry.config, sizeOf(entry.w)).then(function (el) {
              renameKey(entry.key, el.getAttribute("data-widget-key"));
              entry.key = el.getAttribute("data-widget-key");
            });
          });
        });
        return steps;
      })
      .then(function () {
        placeAll(target);
        return save();
      });
  }

  function placeAll(target) {
    target.forEach(function (entry) {
      var el = byKey(entry.key);
      if (!el) return;
      writePlace(el, entry);
      if (entry.visible && !isVisible(el)) showEl(el, false);
      if (!entry.visible && isVisible(el)) hideEl(el);
    });
    if (grid) {
      grid.load(
        target
          .filter(function (entry) {
            return entry.visible;
          })
          .map(function (entry) {
            return { id: entry.key, x: entry.x, y: entry.y, w: entry.w, h: entry.h };
          }),
        false
      );
    }
    sortDom();
  }

  function undo() {
    if (!undoStack.length) return;
    enqueue(function () {
      var target = undoStack.pop();
      redoStack.push(snapshot());
      return applyState(target).then(function () {
        persistHistory();
        announce("Undone. " + undoStack.length + " more step" + (undoStack.length === 1 ? "" : "s") + " to undo.");
      });
    });
  }

  function redo() {
    if (!redoStack.length) return;
    enqueue(function () {
      var target = redoStack.pop();
      undoStack.push(snapshot());
      return applyState(target).then(function () {
        persistHistory();
        announce("Redone.");
      });
    });
  }

  // One change made on the page: it becomes an undo step and is saved with the whole grid.
  function committed(before, message) {
    sortDom();
    if (!record(before)) return;
    if (message) announce(message);
    enqueue(save).then(persistHistory);
  }

  // ------------------------------------------------------------------------- show, hide, remove, add

  function hideEl(el) {
    writePlace(el, placeOf(el));
    if (grid && el.gridstackNode) grid.removeWidget(el, false, false);
    el.setAttribute("data-widget-visible", "false");
    hiddenBox.appendChild(el);
    updateHiddenMenu();
  }

  function showEl(el, load) {
    el.setAttribute("data-widget-visible", "true");
    root.appendChild(el);
    if (grid) grid.makeWidget(el);
    updateHiddenMenu();
    if (load !== false || !el.hasAttribute("data-loaded")) refreshBody(el);
  }

  function detach(el) {
    if (grid && el.gridstackNode) grid.removeWidget(el, false, false);
    el.remove();
    updateHiddenMenu();
  }

  function hide(el) {
    var before = snapshot();
    hideEl(el);
    committed(before, titleOf(el) + " hidden. Bring it back from the Hidden menu.");
    var menuButton = document.querySelector("[data-hidden-menu-button]");
    if (menuButton) menuButton.focus();
  }

  function show(el) {
    var before = snapshot();
    showEl(el, true);
    committed(before, titleOf(el) + " is back on the dashboard.");
    focusCard(el);
  }

  function remove(el) {
    var title = titleOf(el);
    var confirmed = window.Leora && window.Leora.confirm
      ? window.Leora.confirm("Remove " + title + " from the dashboard? Undo brings it back.", { title: "Remove widget", confirmLabel: "Remove" })
      : Promise.resolve(window.confirm("Remove " + title + "?"));
    confirmed.then(function (yes) {
      if (!yes) return;
      enqueue(function () {
        var before = snapshot();
        return ensureOwn()
          .then(function () {
            return apiCall("DELETE", "/" + el.getAttribute("data-widget-id"));
          })
          .then(function () {
            detach(el);
            sortDom();
            if (record(before)) announce(title + " removed. Undo brings it back.");
          });
      });
    });
  }

  // Adds a widget through the API and puts its frame (rendered by the server) on the page.
  function addWidget(type, config, size) {
    return ensureOwn()
      .then(function () {
        return apiCall("POST", "", { widget_type: type, config: config || {}, size: size || null });
      })
      .then(function (widget) {
        return fetch(urlWithId(root.getAttribute("data-card-url"), widget.id) + pageQuery(), {
          credentials: "same-origin",
          headers: { Accept: "text/html" },
        }).then(function (response) {
          if (!response.ok) throw new Error("the new widget's frame did not load (" + response.status + ")");
          return response.text();
        });
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var el = holder.querySelector("[data-widget]");
        root.appendChild(el);
        if (grid) grid.makeWidget(el);
        if (window.htmx) window.htmx.process(el);
        setupAutoRefresh(el);
        sortDom();
        return el;
      });
  }

  function addFromLibrary(type, title) {
    enqueue(function () {
      var before = snapshot();
      return addWidget(type, {}, null).then(function (el) {
        record(before);
        announce(title + " added at the bottom of the dashboard.");
        el.scrollIntoView({ block: "nearest" });
        focusCard(el);
      });
    });
  }

  function focusCard(el) {
    var card = el.querySelector("[data-widget-card]");
    if (card) card.focus({ preventScroll: false });
  }

  function updateHiddenMenu() {
    var menu = document.querySelector("[data-hidden-menu]");
    var count = document.querySelector("[data-hidden-count]");
    if (!menu) return;
    var hidden = items().filter(function (el) {
      return !isVisible(el);
    });
    menu.querySelectorAll("[data-show-key]").forEach(function (button) {
      button.remove();
    });
    hidden.forEach(function (el) {
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("role", "menuitem");
      button.setAttribute("data-show-key", el.getAttribute("data-widget-key"));
      button.textContent = "Show " + titleOf(el);
      menu.appendChild(button);
    });
    menu.querySelector("[data-hidden-empty]").hidden = hidden.length > 0;
    if (count) count.textContent = String(hidden.length);
  }

  // ------------------------------------------------------------------------ keyboard arranging

  function overlapsColumns(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w;
  }

  function neighbour(el, direction) {
    var me = placeOf(el);
    var best = null;
    items().forEach(function (other) {
      if (other === el || !isVisible(other)) return;
      var place = placeOf(other);
      if (!overlapsColumns(me, place)) return;
      if (direction === "up" && place.y < me.y && (!best || place.y > best.y)) best = place;
      if (direction === "down" && place.y > me.y && (!best || place.y < best.y)) best = place;
    });
    return best;
  }

  function describe(el) {
    var place = placeOf(el);
    return titleOf(el) + ": " + sizeOf(place.w) + ", column " + (place.x + 1) + ", row " + (place.y + 1) + ".";
  }

  function arrange(el, action) {
    if (!grid) return;
    var before = snapshot();
    var place = placeOf(el);
    var change = null;
    if (action === "move-left") change = { x: Math.max(0, place.x - place.w) };
    if (action === "move-right") change = { x: Math.min(COLUMNS - place.w, place.x + place.w) };
    if (action === "move-up") {
      var above = neighbour(el, "up");
      // Taking the place of the widget above pushes it down below this one.
      change = above ? { y: above.y } : null;
    }
    if (action === "move-down") {
      var below = neighbour(el, "down");
      // Past the widget below: the grid then lifts that one into the space left here.
      change = below ? { y: below.y + below.h } : null;
    }
    if (action === "smaller" || action === "larger") {
      var index = SIZE_ORDER.indexOf(sizeOf(place.w)) + (action === "larger" ? 1 : -1);
      if (index >= 0 && index < SIZE_ORDER.length) {
        var size = SIZES[SIZE_ORDER[index]];
        change = { w: size[0], h: size[1], x: Math.min(place.x, COLUMNS - size[0]) };
      }
    }
    if (!change) {
      announce(titleOf(el) + " cannot go further that way.");
      return;
    }
    grid.update(el, change);
    writePlace(el, placeOf(el));
    committed(before, describe(el));
  }

  // ------------------------------------------------------------------------------ widget bodies

  function bodyOf(el) {
    return el.querySelector("[data-widget-body]");
  }

  function refreshBody(el) {
    var body = bodyOf(el);
    if (body && window.htmx) window.htmx.trigger(body, "dashboard-refresh");
  }

  function errorBox(message, withRetry) {
    var box = document.createElement("div");
    box.className = "widget-error";
    box.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.className = "widget-error-title";
    title.textContent = "This widget did not load";
    var text = document.createElement("p");
    text.className = "muted small";
    text.textContent = message;
    box.appendChild(title);
    box.appendChild(text);
    if (withRetry) {
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "btn btn-secondary btn-sm";
      retry.setAttribute("data-widget-retry-local", "");
      retry.textContent = "Retry";
      box.appendChild(retry);
    }
    return box;
  }

  // Every body request goes to the widget's current id (ids change when a layout is first copied).
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    var item = elt.closest && elt.closest("[data-widget]");
    if (!item || !root.contains(item) && !hiddenBox.contains(item)) return;
    if (!elt.matches("[data-widget-body], [data-widget-retry]")) return;
    event.detail.path = urlWithId(root.getAttribute("data-body-url"), item.getAttribute("data-widget-id")) + pageQuery();
  });

  // A widget's own error answer is shown in its card instead of a page-wide error toast.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.matches || !target.matches("[data-widget-body], [data-library-preview]")) return;
    if (event.detail.xhr && event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.matches && target.matches("[data-widget-body]")) {
      var item = target.closest("[data-widget]");
      if (item) item.setAttribute("data-loaded", "true");
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var target = event.detail.target;
    if (!target || !target.matches || !target.matches("[data-widget-body]")) return;
    target.replaceChildren(errorBox("The server could not be reached. Check the connection.", true));
  });

  // After Retry, the keyboard stays on the card rather than falling back to the top of the page.
  document.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!elt || !elt.matches || !elt.matches("[data-widget-retry]")) return;
    var item = event.detail.target && event.detail.target.closest("[data-widget]");
    if (item && (document.activeElement === document.body || !document.activeElement)) focusCard(item);
  });

  // A task completed in the tasks widget leaves its list: the widget reloads once the server agrees.
  document.addEventListener("htmx:afterRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.matches || !elt.matches("[data-widget-refresh-after]") || !event.detail.successful) return;
    var item = elt.closest("[data-widget]");
    if (item) {
      refreshBody(item);
      focusCard(item);
    }
  });

  // ------------------------------------------------------------------------------- auto-refresh

  function refreshChoices() {
    try {
      return JSON.parse(localStorage.getItem(refreshKey) || "{}");
    } catch (e) {
      return {};
    }
  }

  function setupAutoRefresh(el) {
    var on = !!refreshChoices()[el.getAttribute("data-widget-key")];
    var item = el.querySelector('[data-action="auto-refresh"]');
    if (item) item.setAttribute("aria-checked", on ? "true" : "false");
    var badge = el.querySelector("[data-widget-auto]");
    if (badge) badge.hidden = !on;
  }

  function toggleAutoRefresh(el) {
    var choices = refreshChoices();
    var key = el.getAttribute("data-widget-key");
    if (choices[key]) delete choices[key];
    else choices[key] = true;
    try {
      localStorage.setItem(refreshKey, JSON.stringify(choices));
    } catch (e) {
      /* private mode: the choice lasts until the page is left */
    }
    setupAutoRefresh(el);
    announce(titleOf(el) + (choices[key] ? " refreshes every minute." : " no longer refreshes by itself."));
  }

  window.setInterval(function () {
    if (document.hidden) return;
    var choices = refreshChoices();
    items().forEach(function (el) {
      if (!isVisible(el) || !choices[el.getAttribute("data-widget-key")]) return;
      // Never pull the content, or the focus, out from under someone working in the widget.
      if (el.contains(document.activeElement) && document.activeElement !== el.querySelector("[data-widget-card]")) return;
      refreshBody(el);
    });
  }, REFRESH_MS);

  // --------------------------------------------------------------------------------------- menus

  var openMenu = null;

  function menuItems(menu) {
    return Array.prototype.slice.call(menu.querySelectorAll('[role^="menuitem"]')).filter(function (item) {
      return item.offsetParent !== null && item.getAttribute("aria-disabled") !== "true";
    });
  }

  function closeMenu(returnFocus) {
    if (!openMenu) return;
    var menu = openMenu;
    openMenu = null;
    menu.menu.hidden = true;
    menu.button.setAttribute("aria-expanded", "false");
    var item = menu.button.closest("[data-widget]");
    if (item) item.classList.remove("widget-menu-open");
    if (returnFocus) menu.button.focus();
  }

  function toggleMenu(button) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    if (openMenu && openMenu.menu === menu) {
      closeMenu(true);
      return;
    }
    closeMenu(false);
    if (menu.hasAttribute("data-hidden-menu")) updateHiddenMenu();
    menu.hidden = false;
    button.setAttribute("aria-expanded", "true");
    var item = button.closest("[data-widget]");
    if (item) item.classList.add("widget-menu-open");
    openMenu = { menu: menu, button: button };
    var first = menuItems(menu)[0];
    if (first) first.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-widget-menu-button], [data-hidden-menu-button], [data-more-menu-button]");
    if (button) {
      toggleMenu(button);
      return;
    }
    var action = event.target.closest("[data-widget-menu] [data-action]");
    if (action) {
      var el = action.closest("[data-widget]");
      closeMenu(true);
      widgetAction(el, action.getAttribute("data-action"));
      return;
    }
    var showButton = event.target.closest("[data-show-key]");
    if (showButton) {
      var hiddenEl = byKey(showButton.getAttribute("data-show-key"));
      closeMenu(false);
      if (hiddenEl) show(hiddenEl);
      return;
    }
    var more = event.target.closest("[data-more-menu] [data-action]");
    if (more) {
      if (more.getAttribute("aria-disabled") === "true") return;
      closeMenu(true);
      if (more.getAttribute("data-action") === "reset") resetLayout();
      return;
    }
    var localRetry = event.target.closest("[data-widget-retry-local]");
    if (localRetry) {
      refreshBody(localRetry.closest("[data-widget]"));
      return;
    }
    if (openMenu && !openMenu.menu.contains(event.target)) closeMenu(false);
  });

  document.addEventListener("keydown", function (event) {
    if (openMenu) {
      var list = menuItems(openMenu.menu);
      var at = list.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        closeMenu(true);
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (list.length) list[(next + list.length) % list.length].focus();
        return;
      }
      if (event.key === "Home" || event.key === "End") {
        event.preventDefault();
        if (list.length) list[event.key === "Home" ? 0 : list.length - 1].focus();
        return;
      }
      if (event.key === "Tab") closeMenu(false);
    }
    var target = event.target;
    var typing = target.closest && target.closest("input, textarea, select, [contenteditable], dialog[open]");
    if (typing || !(event.ctrlKey || event.metaKey) || event.altKey) return;
    var key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) {
      event.preventDefault();
      undo();
    } else if (key === "y" || (key === "z" && event.shiftKey)) {
      event.preventDefault();
      redo();
    }
  });

  function widgetAction(el, action) {
    if (!el) return;
    if (action === "refresh") refreshBody(el);
    else if (action === "auto-refresh") toggleAutoRefresh(el);
    else if (action === "configure") openConfigure(el);
    else if (action === "hide") hide(el);
    else if (action === "remove") remove(el);
    else arrange(el, action);
  }

  undoButton.addEventListener("click", undo);
  redoButton.addEventListener("click", redo);

  function resetLayout() {
    var confirmed = window.Leora.confirm(
      "Your own arrangement is dropped and you see the team's default dashboard again, including later changes to it.",
      { title: "Reset to the default dashboard?", confirmLabel: "Reset", danger: false }
    );
    confirmed.then(function (yes) {
      if (!yes) return;
      enqueue(function () {
        return apiCall("POST", "/reset").then(function () {
          try {
            sessionStorage.removeItem(historyKey);
          } catch (e) {
            /* nothing kept */
          }
          window.location.assign(root.getAttribute("data-home") + (repId ? "?rep_id=" + encodeURIComponent(repId) : ""));
        });
      });
    });
  }

  // ------------------------------------------------------------------------------------ catalog

  function loadCatalog() {
    if (catalog) return Promise.resolve(catalog);
    return apiCall("GET", "/layout").then(function (data) {
      catalog = data.catalog;
      return catalog;
    });
  }

  function catalogEntry(type) {
    return (catalog || []).filter(function (entry) {
      return entry.widget_type === type;
    })[0];
  }

  // --------------------------------------------------------------------------------- the library

  var library = document.querySelector("[data-library]");
  var libraryList = document.querySelector("[data-library-list]");
  var libraryPreview = document.querySelector("[data-library-preview]");
  var libraryAdd = document.querySelector("[data-library-add]");
  var libraryChoice = null;

  function choose(entry, option) {
    libraryChoice = entry;
    libraryList.querySelectorAll("[role=option]").forEach(function (other) {
      other.setAttribute("aria-selected", other === option ? "true" : "false");
      other.tabIndex = other === option ? 0 : -1;
    });
    document.querySelector("[data-library-preview-title]").textContent = entry.title;
    document.querySelector("[data-library-preview-size]").textContent = entry.size;
    libraryAdd.disabled = false;
    libraryAdd.textContent = "Add " + entry.title;
    var url = root.getAttribute("data-preview-url").replace("widget_type", encodeURIComponent(entry.widget_type)) + pageQuery();
    window.htmx.ajax("GET", url, { target: libraryPreview, swap: "innerHTML" });
  }

  function openLibrary() {
    libraryAdd.disabled = true;
    loadCatalog().then(function (entries) {
      libraryList.replaceChildren();
      entries.forEach(function (entry, i) {
        var option = document.createElement("li");
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.tabIndex = i === 0 ? 0 : -1;
        option.className = "library-option";
        var name = document.createElement("span");
        name.className = "library-option-title";
        name.textContent = entry.title;
        var text = document.createElement("span");
        text.className = "library-option-text";
        text.textContent = entry.description;
        option.appendChild(name);
        option.appendChild(text);
        option.addEventListener("click", function () {
          choose(entry, option);
        });
        option.addEventListener("keydown", function (event) {
          var options = Array.prototype.slice.call(libraryList.children);
          var at = options.indexOf(option);
          var next = null;
          if (event.key === "ArrowDown") next = options[Math.min(options.length - 1, at + 1)];
          if (event.key === "ArrowUp") next = options[Math.max(0, at - 1)];
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            choose(entry, option);
          }
          if (next) {
            event.preventDefault();
            next.focus();
            choose(catalog[options.indexOf(next)], next);
          }
        });
        libraryList.appendChild(option);
      });
      if (entries.length) {
        choose(entries[0], libraryList.firstElementChild);
        libraryList.firstElementChild.focus();
      }
    }, function (error) {
      toast("The widget library did not load: " + error.message, "error");
    });
  }

  document.querySelector("[data-library-open]").addEventListener("click", openLibrary);
  libraryAdd.addEventListener("click", function () {
    if (!libraryChoice) return;
    library.close();
    addFromLibrary(libraryChoice.widget_type, libraryChoice.title);
  });

  // ------------------------------------------------------------------------------- configuring

  var configure = document.querySelector("[data-configure]");
  var configureForm = document.querySelector("[data-configure-form]");
  var configureFields = document.querySelector("[data-configure-fields]");
  var configureError = document.querySelector("[data-configure-error]");
  var configuring = null;

  function fieldFor(name, schema, value) {
    var id = "config-" + name;
    var wrap = document.createElement("div");
    wrap.className = "field";
    var label = document.createElement("label");
    label.className = "field-label";
    label.setAttribute("for", id);
    label.textContent = schema.title || name;
    wrap.appendChild(label);
    var control;
    if (schema.enum) {
      control = document.createElement("select");
      control.className = "select";
      schema.enum.forEach(function (choice) {
        var option = document.createElement("option");
        option.value = choice;
        option.textContent = String(choice).charAt(0).toUpperCase() + String(choice).slice(1);
        control.appendChild(option);
      });
    } else {
      control = document.createElement("input");
      control.className = "input";
      if (schema.type === "integer" || schema.type === "number") {
        control.type = "number";
        control.inputMode = "numeric";
        control.step = schema.type === "integer" ? "1" : "any";
        if (schema.minimum !== undefined) control.min = String(schema.minimum);
        if (schema.maximum !== undefined) control.max = String(schema.maximum);
      } else {
        control.type = "text";
        if (schema.maxLength) control.maxLength = schema.maxLength;
        control.autocomplete = "off";
        control.spellcheck = false;
      }
    }
    control.id = id;
    control.name = name;
    control.setAttribute("data-kind", schema.type || "string");
    control.value = value === undefined || value === null ? (schema.default === undefined ? "" : schema.default) : value;
    var described = [];
    if (schema.description) {
      var hint = document.createElement("p");
      hint.className = "field-hint";
      hint.id = id + "-hint";
      var range = schema.minimum !== undefined && schema.maximum !== undefined ? " (" + schema.minimum + "–" + schema.maximum + ")" : "";
      hint.textContent = schema.description.charAt(0).toUpperCase() + schema.description.slice(1) + range;
      described.push(hint.id);
      wrap.appendChild(control);
      wrap.appendChild(hint);
    } else {
      wrap.appendChild(control);
    }
    var error = document.createElement("p");
    error.className = "field-error";
    error.id = id + "-error";
    error.hidden = true;
    wrap.appendChild(error);
    if (described.length) control.setAttribute("aria-describedby", described.join(" "));
    return wrap;
  }

  function openConfigure(el) {
    loadCatalog().then(function (entries) {
      var entry = catalogEntry(el.getAttribute("data-widget-type"));
      if (!entry) return;
      configuring = el;
      var schema = entry.config_schema || {};
      var properties = schema.properties || {};
      var current = readConfig(el);
      document.querySelector("[data-configure-title]").textContent = "Configure " + entry.title;
      configureError.hidden = true;
      configureFields.replaceChildren();
      Object.keys(properties).forEach(function (name) {
        configureFields.appendChild(fieldFor(name, properties[name], current[name]));
      });
      configure.showModal();
      var first = configureFields.querySelector("input, select");
      if (first) first.focus();
    });
  }

  function showFieldErrors(errors) {
    var unplaced = [];
    (errors || []).forEach(function (error) {
      var name = String(error.field || "").replace(/^config\./, "");
      var control = configureFields.querySelector('[name="' + name + '"]');
      var line = control && document.getElementById(control.id + "-error");
      if (!line) {
        unplaced.push(error.message);
        return;
      }
      line.textContent = error.message;
      line.hidden = false;
      control.setAttribute("aria-invalid", "true");
      var described = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(line.id) < 0) described.push(line.id);
      control.setAttribute("aria-describedby", described.join(" "));
    });
    return unplaced;
  }

  configureForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var el = configuring;
    if (!el) return;
    var config = {};
    configureFields.querySelectorAll("input, select").forEach(function (control) {
      control.removeAttribute("aria-invalid");
      var line = document.getElementById(control.id + "-error");
      if (line) line.hidden = true;
      var kind = control.getAttribute("data-kind");
      var value = control.value.trim();
      config[control.name] = (kind === "integer" || kind === "number") && value !== "" && !isNaN(Number(value)) ? Number(value) : value;
    });
    enqueue(function () {
      return ensureOwn()
        .then(function () {
          return apiCall("PATCH", "/" + el.getAttribute("data-widget-id"), { config: config });
        })
        .then(
          function (widget) {
            el.setAttribute("data-widget-config", JSON.stringify(widget.config));
            configure.close();
            refreshBody(el);
            toast(titleOf(el) + " saved.", "success");
            focusCard(el);
          },
          function (error) {
            if (error.status !== 422) throw error;
            var unplaced = showFieldErrors(error.data && error.data.errors);
            configureError.textContent = unplaced.length ? unplaced.join(" ") : "Check the highlighted fields.";
            configureError.hidden = false;
            var invalid = configureFields.querySelector('[aria-invalid="true"]');
            if (invalid) invalid.focus();
          }
        );
    });
  });

  // --------------------------------------------------------------------------------------- grid

  function snapResize(el) {
    var node = el.gridstackNode;
    if (!node) return;
    var size = SIZES[sizeOf(node.w)];
    grid.update(el, { w: size[0], h: size[1], x: Math.min(node.x, COLUMNS - size[0]) });
    writePlace(el, placeOf(el));
  }

  function startGrid() {
    if (grid || !window.GridStack) return;
    grid = window.GridStack.init(
      {
        column: COLUMNS,
        cellHeight: CELL_HEIGHT,
        margin: 8,
        float: false,
        animate: true,
        handle: "[data-widget-handle]",
        resizable: { handles: "se" },
        draggable: { cancel: "button, a, input, select, textarea, [role=menu], [role=menuitem]" },
      },
      root
    );
    grid.on("dragstart resizestart", function () {
      pending = snapshot();
    });
    grid.on("dragstop resizestop", function (event, el) {
      var before = pending || snapshot();
      pending = null;
      // gridstack settles the final place of the moved node and the others it pushed first.
      window.setTimeout(function () {
        if (event.type === "resizestop") snapResize(el);
        items().forEach(function (item) {
          if (isVisible(item)) writePlace(item, placeOf(item));
        });
        committed(before, describe(el));
      }, 0);
    });
    root.classList.add("dashboard-grid-live");
  }

  function stopGrid() {
    if (!grid) return;
    items().forEach(function (el) {
      if (isVisible(el)) writePlace(el, placeOf(el));
    });
    grid.destroy(false);
    grid = null;
    root.classList.remove("dashboard-grid-live");
    sortDom();
  }

  function fitMode() {
    if (wide.matches) startGrid();
    else stopGrid();
    document.body.classList.toggle("dashboard-narrow", !wide.matches);
  }

  // Enter the rep filter's choice as soon as it is made; the form's own button is for pages without scripts.
  var repFilter = document.querySelector("[data-rep-filter]");
  if (repFilter) {
    repFilter.addEventListener("change", function () {
      if (repFilter.requestSubmit) repFilter.requestSubmit();
      else repFilter.submit();
    });
  }

  function start() {
    fitMode();
    if (wide.addEventListener) wide.addEventListener("change", fitMode);
    items().forEach(setupAutoRefresh);
    updateHiddenMenu();
    restoreHistory();
    root.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
