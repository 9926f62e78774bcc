// Charts of the monthly supervision statistics. Reads the figures the page embeds with json_script.
(function () {
  "use strict";
  var source = document.getElementById("supervision-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  document.querySelectorAll(".supervision-chart").forEach(function (el) {
    var chart = echarts.init(el);
    var axis = { type: "category", data: data.departments, axisLabel: { interval: 0, rotate: data.departments.length > 4 ? 30 : 0 } };
    var option;
    if (el.dataset.chart === "on-time") {
      option = {
        tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, bottom: 60, top: 20 },
        xAxis: axis, yAxis: { type: "value", max: 100 },
        series: [{ name: labels.rate, type: "bar", data: data.on_time_rate, itemStyle: { color: "#198754" },
                   label: { show: true, position: "top" } }]
      };
    } else {
      option = {
        tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 40, right: 10, bottom: 60, top: 30 },
        xAxis: axis, yAxis: { type: "value" },
        series: [
          { name: labels.used, type: "bar", data: data.avg_used, itemStyle: { color: "#0d6efd" } },
          { name: labels.limit, type: "bar", data: data.avg_limit, itemStyle: { color: "#adb5bd" } }
        ]
      };
    }
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
