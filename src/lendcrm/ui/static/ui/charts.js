/* Dashboard charts: reads the figures from <script id="dashboard-data" type="application/json">
   and draws every element marked data-chart="<key>" with ECharts (window.echarts). */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels || {};
  var font = window.getComputedStyle(document.body).fontFamily;
  var ink = "#1d2736";
  var muted = "#5d6b7e";
  var grid = "#e9edf3";
  var palette = ["#2f6bdf", "#23a08d", "#f0a33a", "#7a5bd6", "#e0675a", "#4fa7d9", "#9aa6b6",
    "#c48a4f"];
  var statusColours = {
    draft: "#b4bdc9",
    submitted: "#4f86e8",
    manual_review: "#f0a33a",
    approved: "#23a08d",
    declined: "#e0675a",
    cancelled: "#8d99a8",
    disbursed: "#1f6e62"
  };

  var base = {
    color: palette,
    textStyle: { fontFamily: font, color: ink },
    animationDuration: 350,
    tooltip: { confine: true, textStyle: { fontFamily: font } }
  };

  function axisStyle() {
    return {
      axisLine: { lineStyle: { color: grid } },
      axisTick: { show: false },
      axisLabel: { color: muted },
      splitLine: { lineStyle: { color: grid } }
    };
  }

  function merge(target, extra) {
    Object.keys(extra).forEach(function (key) {
      target[key] = extra[key];
    });
    return target;
  }

  var builders = {
    leadsByChannel: function (d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
        legend: { type: "scroll", top: 0, icon: "roundRect", itemWidth: 10, itemHeight: 10,
          textStyle: { color: muted } },
        grid: { left: 8, right: 12, top: 36, bottom: 4, containLabel: true },
        xAxis: merge({ type: "category", data: d.weeks }, axisStyle()),
        yAxis: merge({ type: "value", minInterval: 1 }, axisStyle()),
        series: d.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "leads", barMaxWidth: 28, data: s.data,
            emphasis: { focus: "series" } };
        })
      };
    },
    applicationStatus: function (d) {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)", confine: true },
        legend: { bottom: 0, icon: "circle", itemWidth: 8, itemHeight: 8, itemGap: 8,
          textStyle: { color: muted } },
        series: [{
          name: labels.applications,
          type: "pie",
          radius: ["40%", "62%"],
          center: ["50%", "42%"],
          avoidLabelOverlap: true,
          label: { show: false },
          itemStyle: { borderColor: "#fff", borderWidth: 2 },
          data: d.map(function (item) {
            return { name: item.name, value: item.value,
              itemStyle: { color: statusColours[item.key] } };
          })
        }]
      };
    },
    leadFunnel: function (d) {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c}", confine: true },
        series: [{
          name: labels.leads,
          type: "funnel",
          left: "8%",
          right: "8%",
          top: 8,
          bottom: 8,
          sort: "none",
          gap: 2,
          minSize: "42%",
          label: { position: "inside", color: "#fff", formatter: "{b} {c}" },
          itemStyle: { borderWidth: 0 },
          data: d
        }]
      };
    },
    customersByProvince: function (d) {
      return {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
        grid: { left: 8, right: 36, top: 8, bottom: 4, containLabel: true },
        xAxis: merge({ type: "value", minInterval: 1 }, axisStyle()),
        yAxis: merge({ type: "category", inverse: true, data: d.names }, axisStyle()),
        series: [{
          name: labels.customers,
          type: "bar",
          barMaxWidth: 16,
          data: d.values,
          itemStyle: { color: "#2f6bdf", borderRadius: [0, 3, 3, 0] },
          label: { show: true, position: "right", color: muted }
        }]
      };
    }
  };

  function isEmpty(key, d) {
    if (key === "leadsByChannel") {
      return d.series.length === 0;
    }
    if (key === "customersByProvince") {
      return d.values.length === 0;
    }
    return d.every(function (item) { return !item.value; });
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var key = element.getAttribute("data-chart");
    var figures = data[key];
    if (!builders[key] || figures === undefined) {
      return;
    }
    if (isEmpty(key, figures)) {
      element.classList.add("chart-empty");
      element.textContent = labels.empty || "—";
      element.setAttribute("data-chart-ready", "true");
      return;
    }
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    // Marked ready once drawn and animated, so that screenshots and tests see the final chart.
    chart.on("finished", function () {
      element.setAttribute("data-chart-ready", "true");
    });
    chart.setOption(merge(merge({}, base), builders[key](figures)));
    charts.push(chart);
  });

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (chart) { chart.resize(); });
    }, 120);
  });
})();
