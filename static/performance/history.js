// The score history chart of a PPP project. Reads the totals the page embeds with json_script.
(function () {
  "use strict";
  var source = document.getElementById("performance-history");
  var el = document.getElementById("performance-chart");
  if (!source || !el || typeof echarts === "undefined") { return; }
  var rows = JSON.parse(source.textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 10, bottom: 30, top: 20 },
    xAxis: { type: "category", data: rows.map(function (r) { return r.period; }) },
    yAxis: { type: "value", min: 0, max: 100 },
    series: [{ name: el.dataset.label, type: "line", data: rows.map(function (r) { return Number(r.total); }),
               label: { show: true }, itemStyle: { color: "#0d6efd" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
