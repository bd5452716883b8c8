// The call plan board: drag an account into a day (or back to the proposal) and to its place in the day.
// The drop posts the same fields as the item's "Schedule on" control (scheduled_date, position) to the
// item's change URL and swaps in the board the server answers, so the keyboard path and this one agree.
(function () {
  "use strict";

  var dragged = null;

  function zoneOf(event) {
    return event.target && event.target.closest ? event.target.closest("[data-drop-day]") : null;
  }

  function clearTargets() {
    document.querySelectorAll(".is-drop-target").forEach(function (zone) {
      zone.classList.remove("is-drop-target");
    });
  }

  function positionIn(zone, clientY) {
    var items = Array.prototype.filter.call(zone.querySelectorAll(".plan-item"), function (item) {
      return item !== dragged;
    });
    for (var i = 0; i < items.length; i++) {
      var box = items[i].getBoundingClientRect();
      if (clientY < box.top + box.height / 2) return i;
    }
    return items.length;
  }

  document.addEventListener("dragstart", function (event) {
    var item = event.target && event.target.closest ? event.target.closest(".plan-item[draggable]") : null;
    if (!item) return;
    dragged = item;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.itemId);
    item.classList.add("is-dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragging");
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", function (event) {
    var zone = zoneOf(event);
    if (!zone || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!zone.classList.contains("is-drop-target")) {
      clearTargets();
      zone.classList.add("is-drop-target");
    }
  });

  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone || !dragged) return;
    event.preventDefault();
    var values = { scheduled_date: zone.dataset.dropDay };
    if (zone.dataset.dropDay) values.position = String(positionIn(zone, event.clientY));
    var item = dragged;
    item.classList.add("is-moving");
    clearTargets();
    window.htmx.ajax("POST", item.dataset.changeUrl, {
      source: item,
      target: "#plan-board",
      swap: "outerHTML",
      values: values,
    });
  });
})();
