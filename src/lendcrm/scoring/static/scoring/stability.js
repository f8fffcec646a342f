/* Scorecard stability charts: development vs recent score distribution, and PSI by day.
   Reads <script id="scoring-stability-data" type="application/json">; no inline script (CSP). */
(function () {
  "use strict";

  var source = document.getElementById("scoring-stability-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var muted = "#5d6b7e";

  function percent(value) {
    return (value * 100).toFixed(1) + "%";
  }

  var builders = {
    distribution: function () {
      var series = [{ name: data.labels.development, type: "bar", data: data.development,
        itemStyle: { color: "#9aa6b6" } }];
      if (data.recent.length) {
        series.push({ name: data.labels.recent, type: "bar", data: data.recent,
          itemStyle: { color: "#2f6bdf" } });
      }
      return {
        tooltip: { trigger: "axis", valueFormatter: percent, confine: true },
        legend: { top: 0, textStyle: { color: muted } },
        grid: { left: 8, right: 8, top: 32, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: data.bins, axisLabel: { color: muted, rotate: 30 } },
        yAxis: { type: "value", axisLabel: { color: muted, formatter: percent } },
        series: series
      };
    },
    psi: function () {
      return {
        tooltip: { trigger: "axis", confine: true },
        grid: { left: 8, right: 16, top: 16, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: data.dates, axisLabel: { color: muted } },
        yAxis: { type: "value", min: 0, axisLabel: { color: muted },
          max: function (range) { return Math.max(range.max, data.warn) * 1.1; } },
        series: [{
          name: data.labels.psi, type: "line", data: data.psi, symbolSize: 6,
          itemStyle: { color: "#2f6bdf" },
          markLine: { silent: true, symbol: "none", data: [
            { yAxis: data.warn, lineStyle: { color: "#f0a33a" } },
            { yAxis: data.alert, lineStyle: { color: "#e0675a" } }
          ] }
        }]
      };
    }
  };

  document.querySelectorAll("[data-scoring-chart]").forEach(function (element) {
    var key = element.getAttribute("data-scoring-chart");
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.on("finished", function () {
      element.setAttribute("data-chart-ready", "true");
    });
    chart.setOption(builders[key]());
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
