/* Conversion analysis charts: reads <script id="funnel-data" type="application/json"> and draws
   the funnel and the median hours per stage with ECharts (window.echarts). */
(function () {
  "use strict";

  var source = document.getElementById("funnel-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var font = window.getComputedStyle(document.body).fontFamily;
  var palette = ["#2f6bdf", "#4f86e8", "#23a08d", "#f0a33a", "#7a5bd6", "#1f6e62"];

  function percent(rate) {
    return rate === null || rate === undefined ? "" : " (" + Math.round(rate * 1000) / 10 + "%)";
  }

  var builders = {
    funnel: function () {
      return {
        color: palette,
        textStyle: { fontFamily: font },
        tooltip: { trigger: "item", confine: true },
        series: [{
          name: data.labels.leads,
          type: "funnel",
          sort: "none",
          left: "8%",
          width: "84%",
          minSize: "8%",
          label: { show: true, position: "inside", formatter: "{b}: {c}" },
          data: data.stages.map(function (stage, i) {
            return { name: stage + percent(data.rates[i]), value: data.reached[i] };
          })
        }]
      };
    },
    hours: function () {
      return {
        color: palette,
        textStyle: { fontFamily: font },
        tooltip: { trigger: "axis", confine: true },
        grid: { left: 8, right: 12, top: 16, bottom: 4, containLabel: true },
        xAxis: { type: "category", data: data.stages },
        yAxis: { type: "value", name: data.labels.hours },
        series: [{ name: data.labels.hours, type: "bar", barMaxWidth: 32, data: data.medianHours }]
      };
    }
  };

  document.querySelectorAll("[data-funnel-chart]").forEach(function (element) {
    var build = builders[element.getAttribute("data-funnel-chart")];
    if (!build) {
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(build());
    window.addEventListener("resize", function () {
      chart.resize();
    });
  });
})();
