// The city overview: draws each section's ECharts charts from the figures the page embeds with
// json_script; in the large-screen mode it refetches the JSON endpoint every few seconds and
// updates the numbers and the charts in place (no page reload).
(function () {
  "use strict";
  var source = document.getElementById("overview-data");
  if (!source) { return; }
  var screen = document.querySelector(".overview-screen");
  var dark = !!(screen && screen.dataset.theme === "dark");
  var charts = {};

  function themed(option) {
    var copy = JSON.parse(JSON.stringify(option));
    if (dark) {
      copy.backgroundColor = "transparent";
      copy.textStyle = { color: "#d8e6ff" };
      if (copy.legend) { copy.legend.textStyle = { color: "#d8e6ff" }; }
      if (copy.series) {
        copy.series.forEach(function (s) {
          if (s.type === "pie") { s.label = Object.assign({}, s.label, { color: "#d8e6ff" }); }
        });
      }
    }
    return copy;
  }

  function draw(sections) {
    if (typeof echarts === "undefined") { return; }
    sections.forEach(function (section) {
      (section.charts || []).forEach(function (chart) {
        var selector = '[data-section="' + section.key + '"] [data-chart="' + chart.key + '"]';
        var el = document.querySelector(selector) || document.querySelector('[data-chart="' + chart.key + '"]');
        if (!el) { return; }
        var instance = charts[chart.key];
        if (!instance || instance.isDisposed()) {
          instance = echarts.init(el, dark ? "dark" : null);
          charts[chart.key] = instance;
        }
        instance.setOption(themed(chart.option), true);
      });
    });
  }

  function setText(el, value) {
    if (el) { el.textContent = value; }
  }

  function update(payload) {
    payload.sections.forEach(function (section) {
      (section.metrics || []).forEach(function (metric, index) {
        var tile = document.querySelector('[data-metric="' + section.key + ":" + index + '"]');
        if (!tile) { return; }
        setText(tile.querySelector("[data-value]"), metric.value === null ? "\u2014" : String(metric.value));
        setText(tile.querySelector("[data-note]"), metric.note);
        ["green", "yellow", "red"].forEach(function (signal) {
          tile.classList.toggle("overview-tile-" + signal, metric.signal === signal);
        });
      });
    });
    draw(payload.sections);
    var stamp = payload.generated_at ? payload.generated_at.substring(11, 19) : "";
    setText(document.querySelector("[data-updated]"), stamp);
    if (screen) { screen.dataset.refreshed = String((Number(screen.dataset.refreshed) || 0) + 1); }
  }

  draw(JSON.parse(source.textContent).sections);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (key) { charts[key].resize(); });
  });

  if (screen && screen.dataset.refreshUrl) {
    var seconds = Math.max(1, Number(screen.dataset.refreshSeconds) || 60);
    var clock = document.querySelector("[data-clock]");
    var tick = function () {
      var now = new Date();
      var pad = function (n) { return (n < 10 ? "0" : "") + n; };
      setText(clock, now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()) + " " +
        pad(now.getHours()) + ":" + pad(now.getMinutes()) + ":" + pad(now.getSeconds()));
    };
    tick();
    window.setInterval(tick, 1000);
    var refresh = function () {
      fetch(screen.dataset.refreshUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
        .then(update)
        .catch(function () { screen.classList.add("screen-stale"); });
    };
    window.setInterval(refresh, seconds * 1000);
  }
})();
