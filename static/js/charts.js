/* Draws the charts of a page (templates/workflow/_chart.html): each <canvas data-chart="id">
   reads its numbers from the JSON block with that id (rendered by json_script, never run)
   and Chart.js draws them. The same numbers are in the table beside each chart. */
(function () {
  "use strict";

  function draw(canvas) {
    if (canvas.dataset.drawn || typeof window.Chart === "undefined") {
      return;
    }
    var block = document.getElementById(canvas.dataset.chart);
    if (!block) {
      return;
    }
    var data = JSON.parse(block.textContent);
    var locale = document.documentElement.lang || "ru";
    var horizontal = data.kind === "horizontal";
    var numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    var valueAxis = {
      stacked: true,
      beginAtZero: true,
      ticks: { precision: 0, callback: function (value) { return numbers.format(value); } }
    };
    var labelAxis = { stacked: true };
    canvas.dataset.drawn = "1";
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series) {
          return {
            label: series.label,
            data: series.values,
            backgroundColor: series.colour,
            borderColor: series.colour
          };
        })
      },
      options: {
        locale: locale,
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        scales: horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
        plugins: {
          legend: { display: data.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + numbers.format(item.raw);
              }
            }
          }
        }
      }
    });
  }

  function drawAll(root) {
    root.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  // Parts of a page that htmx swaps in may bring charts too.
  document.addEventListener("htmx:load", function (event) { drawAll(event.target); });
})();
