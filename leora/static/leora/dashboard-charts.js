/*
 * Charts of the dashboard's widgets (Chart.js): a canvas[data-chart] draws the table its
 * data-chart-table names, so the numbers exist once, in a table that is also the fallback for screen
 * readers and for anyone who opens "Show as table". The table: one <th data-label> per row (the x axis),
 * one <td data-value> per series, named by the header cells marked data-series.
 *
 *   data-chart="line" | "bar"   the kind of chart
 *   data-chart-title            the chart's title
 *   data-chart-unit             a currency code with data-chart-money (ticks and tooltips as money),
 *                               else the unit written on the y axis ("activities")
 *
 * Charts are drawn whenever htmx puts a widget body on the page and destroyed before it is replaced.
 */
(function () {
  "use strict";

  var COLOURS = ["#4f46e5", "#a1a1aa"];

  function seriesOf(table) {
    var names = Array.prototype.map.call(table.querySelectorAll("thead [data-series]"), function (th) {
      return th.textContent.trim();
    });
    var labels = [];
    var values = names.map(function () {
      return [];
    });
    table.querySelectorAll("tbody tr").forEach(function (row) {
      var label = row.querySelector("[data-label]");
      labels.push(label ? label.textContent.trim() : "");
      row.querySelectorAll("[data-value]").forEach(function (cell, i) {
        if (values[i]) values[i].push(Number(cell.getAttribute("data-value")));
      });
    });
    return { labels: labels, names: names, values: values };
  }

  function formatter(canvas) {
    var unit = canvas.getAttribute("data-chart-unit") || "";
    if (!canvas.hasAttribute("data-chart-money")) {
      return {
        tick: function (value) {
          return Number.isInteger(value) ? String(value) : "";
        },
        tooltip: function (value) {
          return value + " " + unit;
        },
        axis: unit.charAt(0).toUpperCase() + unit.slice(1),
      };
    }
    var whole = new Intl.NumberFormat(undefined, { style: "currency", currency: unit || "USD", maximumFractionDigits: 0 });
    var exact = new Intl.NumberFormat(undefined, { style: "currency", currency: unit || "USD" });
    var compact = new Intl.NumberFormat(undefined, { style: "currency", currency: unit || "USD", notation: "compact" });
    return {
      tick: function (value) {
        return Math.abs(value) >= 10000 ? compact.format(value) : whole.format(value);
      },
      tooltip: function (value) {
        return exact.format(value);
      },
      axis: "Revenue (" + (unit || "USD") + ")",
    };
  }

  function draw(canvas) {
    if (!window.Chart || canvas.hasAttribute("data-chart-drawn")) return;
    var table = document.getElementById(canvas.getAttribute("data-chart-table"));
    if (!table) return;
    var data = seriesOf(table);
    var kind = canvas.getAttribute("data-chart") === "bar" ? "bar" : "line";
    var format = formatter(canvas);
    var reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    canvas.setAttribute("data-chart-drawn", "");
    new window.Chart(canvas, {
      type: kind,
      data: {
        labels: data.labels,
        datasets: data.names.map(function (name, i) {
          return {
            label: name,
            data: data.values[i],
            borderColor: COLOURS[i % COLOURS.length],
            backgroundColor: kind === "bar" ? COLOURS[i % COLOURS.length] : "transparent",
            borderWidth: 2,
            borderDash: kind === "line" && i > 0 ? [5, 4] : [],
            pointRadius: kind === "line" ? 2 : 0,
            pointHoverRadius: 5,
            tension: 0.25,
            borderRadius: kind === "bar" ? 4 : 0,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduced ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        plugins: {
          title: { display: true, text: canvas.getAttribute("data-chart-title") || "", align: "start", color: "#18181b", font: { size: 13, weight: "600" } },
          legend: { position: "bottom", align: "start", labels: { boxWidth: 12, boxHeight: 12, color: "#3f3f46" } },
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + format.tooltip(context.parsed.y);
              },
            },
          },
        },
        scales: {
          x: { grid: { display: false }, ticks: { color: "#5f5f6b", maxRotation: 0, autoSkip: true } },
          y: {
            beginAtZero: true,
            title: { display: true, text: format.axis, color: "#5f5f6b" },
            ticks: { color: "#5f5f6b", callback: format.tick, precision: 0 },
            grid: { color: "#ececef" },
          },
        },
      },
    });
  }

  function drawIn(scope) {
    if (!scope || !scope.querySelectorAll) return;
    scope.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  function destroyIn(scope) {
    if (!window.Chart || !scope || !scope.querySelectorAll) return;
    scope.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = window.Chart.getChart(canvas);
      if (chart) chart.destroy();
    });
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.shouldSwap) destroyIn(event.detail.target);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    drawIn(event.detail.target);
  });

  window.LeoraCharts = { drawIn: drawIn };
})();
