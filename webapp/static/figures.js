// Draws the bar chart of each "identified cases" series with uPlot (from npm, served under /vendor/).
// The table next to each chart holds the same numbers, for readers and assistive technology.
(function () {
  "use strict";
  var FONT = "12px system-ui, -apple-system, sans-serif";  // the year labels', measured below
  function draw(element) {
    var data = JSON.parse(document.getElementById(element.dataset.figureChart).textContent);
    var labels = data.years.map(function (row) { return row[0]; });
    var xs = labels.map(function (_, i) { return i; });
    var ys = data.years.map(function (row) { return row[1]; });
    var width = Math.max(280, Math.min(element.clientWidth || 640, 720));
    var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 40] }) : null;
    // A bar for every year, a label for every step-th: the widest label and a gap of 8 px must fit
    // in the room between labels (SVAC's 27 years, 1989-2015, ran their labels into each other).
    var probe = document.createElement("canvas").getContext("2d");
    probe.font = FONT;
    var widest = Math.max.apply(null, labels.map(function (l) { return probe.measureText(String(l)).width; }));
    var plotWidth = width - 60;  // less the y axis and its label
    var step = Math.max(1, Math.ceil(xs.length * (widest + 8) / plotWidth));
    var shown = xs.filter(function (i) { return i % step === 0; });
    element.textContent = "";
    element.chart = new uPlot({
      width: width,
      height: 220,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: [0, null] } },
      axes: [
        { values: function (_, ticks) { return ticks.map(function (t) { return labels[t] || ""; }); },
          splits: function () { return shown; }, stroke: "#222", font: FONT },
        { stroke: "#222", label: data.unit || "cases" }
      ],
      series: [{}, { label: data.label, stroke: "#1f4e79", fill: "#1f4e79", width: 1, paths: bars,
                     points: { show: !bars } }]
    }, [xs, ys], element);
    element.dataset.drawn = "true";
  }
  document.querySelectorAll("[data-figure-chart]").forEach(draw);
})();
