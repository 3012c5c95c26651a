/* Progressive enhancement: keep the summary up to date as boxes are ticked (the button does the same without JavaScript). */
(function () {
  var form = document.querySelector("form.checklist");
  var body = document.getElementById("summary-body");
  if (!form || !body) return;
  var links = {};
  form.querySelectorAll(".points a").forEach(function (a) { links[a.textContent.toLowerCase()] = a.getAttribute("href"); });
  function update() {
    var ticked = form.querySelectorAll("input[type=checkbox]:checked");
    var counts = {};
    ticked.forEach(function (box) {
      (box.dataset.points || "").split("|").forEach(function (label) {
        if (label) { counts[label] = (counts[label] || 0) + 1; }
      });
    });
    body.textContent = "";
    var p = document.createElement("p");
    if (!ticked.length) {
      p.textContent = "Tick indicators above to see what they may point to.";
      body.appendChild(p);
      return;
    }
    var labels = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); });
    p.textContent = "You ticked " + ticked.length + " indicator" + (ticked.length === 1 ? "" : "s") + "." +
      (labels.length ? " They may point to:" : " None of them points to a particular form of exploitation; they may still point to trafficking.");
    body.appendChild(p);
    if (labels.length) {
      var ul = document.createElement("ul");
      labels.forEach(function (label) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.textContent = label;
        a.href = links[label.toLowerCase()] || "#";
        li.appendChild(a);
        li.appendChild(document.createTextNode(" (" + counts[label] + ")"));
        ul.appendChild(li);
      });
      body.appendChild(ul);
    }
  }
  var count = document.getElementById("ticked-count");
  form.addEventListener("change", function () {
    update();
    if (count) { count.textContent = form.querySelectorAll("input[type=checkbox]:checked").length + " ticked: see what they point to"; }
  });
})();
