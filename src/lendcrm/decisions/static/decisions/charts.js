/* Strategy charts: outcome mix per arm (report) or per version (simulation), as stacked bars.
   Reads <script id="decisions-report-data" type="application/json">; no inline script (CSP).
   Runs again after htmx swaps in a finished simulation. */
(function () {
  "use strict";

  var colors = { approve: "#3a9a5b", manual_review: "#f0a33a", decline: "#e0675a" };
  var muted = "#5d6b7e";

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  function render() {
    var source = document.getElementById("decisions-report-data");
    if (!source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-decisions-chart]").forEach(function (element) {
      if (element.getAttribute("data-chart-init") === "true") {
        return;
      }
      element.setAttribute("data-chart-init", "true");
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      chart.on("finished", function () {
        element.setAttribute("data-chart-ready", "true");
      });
      chart.setOption({
        tooltip: { trigger: "axis", valueFormatter: percent, confine: true },
        legend: { top: 0, textStyle: { color: muted } },
        grid: { left: 8, right: 8, top: 32, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: data.groups, axisLabel: { color: muted } },
        yAxis: { type: "value", max: 1, axisLabel: { color: muted, formatter: percent } },
        series: data.series.map(function (series) {
          return { name: series.label, type: "bar", stack: "mix", data: series.rates,
            itemStyle: { color: colors[series.outcome] || muted } };
        })
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  render();
  document.body.addEventListener("htmx:afterSettle", render);
})();
