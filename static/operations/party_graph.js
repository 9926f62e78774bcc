// Parties and shareholdings of a PPP project as a graph. Reads the data the page embeds with json_script.
(function () {
  "use strict";
  var source = document.getElementById("ppp-graph-data");
  var el = document.getElementById("ppp-party-graph");
  if (!source || !el || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { project_company: "#dc3545", implementing_agency: "#0d6efd", finance_department: "#198754", industry_authority: "#6f42c1" };
  var nodes = data.nodes.map(function (n) {
    var role = n.roles[0];
    return { id: n.id, name: n.name, symbolSize: role ? 46 : 34, itemStyle: { color: colours[role] || "#6c757d" },
             label: { show: true, position: "bottom" } };
  });
  var links = data.links.map(function (l) {
    return { source: l.source, target: l.target, label: { show: true, formatter: (Number(l.ratio) * 100).toFixed(1) + "%" } };
  });
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {},
    series: [{ type: "graph", layout: "force", roam: true, force: { repulsion: 260, edgeLength: 140 },
               edgeSymbol: ["none", "arrow"], data: nodes, links: links }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
