/*
 * The quotas grid: Enter moves down a column (Shift+Enter up), like a spreadsheet, and the arrow keys
 * up and down do the same; Tab moves across a row as it always does. Leaving a cell whose value
 * changed saves it (the cell's form posts on "change", see crm/quotas/_cell.html); without this
 * script Enter submits the cell's form as a plain post.
 */
(function () {
  "use strict";

  function cells(table) {
    return Array.prototype.slice.call(table.querySelectorAll("input[data-quota-cell]"));
  }

  // The cell in the same column ``step`` rows away; past the last row, the top of the next column.
  function neighbour(input, step) {
    var table = input.closest("table");
    var td = input.closest("td");
    var row = td && td.parentElement;
    if (!table || !row) return null;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var column = Array.prototype.indexOf.call(row.cells, td);
    var index = rows.indexOf(row) + step;
    if (index >= rows.length) {
      index = 0;
      column += 1;
    } else if (index < 0) {
      index = rows.length - 1;
      column -= 1;
    }
    var next = rows[index] && rows[index].cells[column];
    return next ? next.querySelector("input[data-quota-cell]") : null;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-quota-cell]")) return;
    var step = 0;
    if (event.key === "Enter") step = event.shiftKey ? -1 : 1;
    else if (event.key === "ArrowDown") step = 1;
    else if (event.key === "ArrowUp") step = -1;
    if (!step || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    var next = neighbour(input, step);
    if (next) {
      next.focus();
      next.select();
    } else {
      // The last cell: leaving it is what saves it.
      input.blur();
    }
  });

  // Selecting a cell's text on focus lets a typed amount replace it, as in a spreadsheet.
  document.addEventListener("focusin", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[data-quota-cell]")) input.select();
  });
})();
