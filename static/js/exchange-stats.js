// The exchange statistics page: draws the charts from the page's json_script data with ECharts.
(function () {
  "use strict";
  var dataNode = document.getElementById("exchange-stats");
  if (!dataNode || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(dataNode.textContent) || {};
  var labels = JSON.parse(document.getElementById("exchange-labels").textContent) || {};

  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node) {
      return;
    }
    var instance = echarts.init(node);
    instance.setOption(option);
    window.addEventListener("resize", function () { instance.resize(); });
  }

  function pie(id, rows, nameKey) {
    chart(id, {
      tooltip: { trigger: "item" },
      series: [{
        type: "pie",
        radius: ["35%", "70%"],
        data: (rows || []).map(function (r) { return { name: r[nameKey], value: r.n }; })
      }]
    });
  }

  var days = (data.days || []).map(function (d) { return d.slice(5); });
  chart("chart-calls", {
    tooltip: { trigger: "axis" },
    legend: { data: [labels.calls, labels.refused, labels.records] },
    xAxis: { type: "category", data: days },
    yAxis: [{ type: "value" }, { type: "value" }],
    series: [
      { name: labels.calls, type: "bar", data: data.calls || [] },
      { name: labels.refused, type: "bar", data: data.refused || [] },
      { name: labels.records, type: "line", yAxisIndex: 1, data: data.records || [] }
    ]
  });
  chart("chart-flow", {
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: days },
    yAxis: { type: "value" },
    series: [{ name: labels.rows, type: "bar", data: data.return_flow || [] }]
  });
  pie("chart-types", data.by_sharing_type, "label");
  pie("chart-levels", data.by_level, "label");
  pie("chart-topics", data.topics, "topics__name");

  var providers = [], consumers = [];
  (data.matrix || []).forEach(function (r) {
    if (providers.indexOf(r.provider__name) < 0) { providers.push(r.provider__name); }
    if (consumers.indexOf(r.consumer__name) < 0) { consumers.push(r.consumer__name); }
  });
  var max = 1;
  var cells = (data.matrix || []).map(function (r) {
    max = Math.max(max, r.n);
    return [consumers.indexOf(r.consumer__name), providers.indexOf(r.provider__name), r.n];
  });
  chart("chart-matrix", {
    tooltip: { position: "top" },
    grid: { left: 160, bottom: 120 },
    xAxis: { type: "category", data: consumers, axisLabel: { rotate: 30 } },
    yAxis: { type: "category", data: providers },
    visualMap: { min: 0, max: max, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
    series: [{ type: "heatmap", data: cells, label: { show: true } }]
  });
})();
