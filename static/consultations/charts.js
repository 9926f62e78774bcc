// Charts of consultation statistics. Reads the figures the page embeds with json_script.
(function () {
  "use strict";
  var source = document.getElementById("consultation-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  document.querySelectorAll(".consultation-chart").forEach(function (el) {
    el.style.height = "280px";
    var chart = echarts.init(el);
    var rows = el.dataset.chart === "outcomes" ? data.outcomes.filter(function (r) { return r.value > 0; }) : data.stakeholders;
    var option = el.dataset.chart === "outcomes" ? {
      tooltip: { trigger: "item" }, legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: rows, label: { formatter: "{b}: {c}" } }]
    } : {
      tooltip: { trigger: "axis" }, grid: { left: 40, right: 10, bottom: 30, top: 20 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: rows.map(function (r) { return r.value; }), itemStyle: { color: "#0d6efd" },
                 label: { show: true, position: "top" } }]
    };
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
