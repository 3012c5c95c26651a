/* Resource pages: the "copy citation" button and the neighbourhood graph (Cytoscape).
   Both enhance a page that works without them: the citation is shown in an <output>, and the
   links the graph draws are listed in the page. */
(function () {
  "use strict";

  function copyCitation() {
    var button = document.getElementById("copy-citation");
    var output = document.getElementById("citation");
    var status = document.getElementById("copy-status");
    if (!button || !output) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = output.textContent.trim();
      var done = function () { status.textContent = "Citation copied."; };
      var fallback = function () {
        var range = document.createRange();
        range.selectNodeContents(output);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
        status.textContent = ok ? "Citation copied." : "Select the citation and copy it.";
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else {
        fallback();
      }
    });
  }

  function drawGraph() {
    var container = document.getElementById("graph");
    var source = document.getElementById("graph-data");
    if (!container || !source || typeof window.cytoscape !== "function") return;
    var data = JSON.parse(source.textContent);
    var elements = [];
    data.nodes.forEach(function (n) {
      elements.push({ group: "nodes", data: { id: n.id, label: n.label, kind: n.kind, href: n.href || "", ring: n.ring || 1 },
        classes: (n.centre ? "centre" : "") + (n.element ? " element" : "") });
    });
    data.edges.forEach(function (e, i) {
      elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, label: e.label } });
    });
    container.classList.add("graph-live");
    if (data.nodes.length > 24) container.classList.add("graph-large");
    var cy = window.cytoscape({
      container: container,
      elements: elements,
      wheelSensitivity: 0.2,
      minZoom: 0.2,
      maxZoom: 2.5,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "color": "#1a1a1a", "text-wrap": "ellipsis",
          "text-max-width": 160, "text-valign": "bottom", "text-margin-y": 4, "width": 18, "height": 18,
          "background-color": "#0b4f9c", "text-background-color": "#fff", "text-background-opacity": 0.85,
          "text-background-padding": 2 } },
        { selector: "node.element", style: { "background-color": "#1d6b2f", "shape": "diamond" } },
        { selector: "node.centre", style: { "background-color": "#9b1c1c", "width": 30, "height": 30,
          "font-weight": "bold", "font-size": 13, "text-wrap": "wrap", "text-max-width": 220 } },
        { selector: "edge", style: { "width": 1.5, "line-color": "#8a8a8a", "target-arrow-color": "#8a8a8a",
          "target-arrow-shape": "triangle", "curve-style": "bezier", "label": "data(label)", "font-size": 9,
          "color": "#4a4a4a", "text-rotation": "autorotate", "text-background-color": "#fff",
          "text-background-opacity": 0.85 } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#f0a400" } }
      ],
      layout: { name: "concentric", concentric: function (node) { return node.data("ring"); },
        levelWidth: function () { return 1; }, minNodeSpacing: 100, padding: 30, animate: false }
    });
    // A small neighbourhood would be blown up to fill the box: keep labels at a readable size.
    if (cy.zoom() > 1.1) { cy.zoom(1.1); cy.center(); }
    cy.on("tap", "node", function (event) {
      var href = event.target.data("href");
      if (href && !event.target.hasClass("centre")) window.location.href = href;
    });
    window.tipkgGraph = cy;
  }

  function start() { copyCitation(); drawGraph(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
