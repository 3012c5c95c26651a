// The SPARQL editor of /query: YASGUI over the plain form, on this site's endpoint only.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("query-data").textContent);
  var form = document.getElementById("plain-query");
  var holder = document.getElementById("yasgui");
  var status = document.getElementById("yasgui-status");
  if (!window.Yasgui || !holder) {
    status.textContent = "The editor could not load; the plain form above still runs queries.";
    return;
  }
  var Yasgui = window.Yasgui;
  var endpoint = new URL(data.endpoint, window.location.href).href;
  var prefixNames = Object.keys(data.prefixes);

  // Declare every project prefix the query does not declare itself, after its header comments.
  function withPrefixes(text) {
    var declared = {};
    text.replace(/PREFIX\s+([A-Za-z][\w.-]*)?:/gi, function (match, name) { declared[name || ""] = true; return match; });
    var extra = prefixNames.filter(function (name) { return !declared[name]; }).map(function (name) {
      return "PREFIX " + name + ": <" + data.prefixes[name] + ">";
    });
    if (!extra.length) return text;
    var lines = text.split("\n");
    var at = 0;
    while (at < lines.length && /^\s*#/.test(lines[at])) at += 1;
    lines.splice(at, 0, extra.join("\n"));
    return lines.join("\n");
  }

  // Nothing but this site: no class/property look-ups on LOV, prefixes from the project (a local
  // blob, not prefix.cc), no CORS proxy, no endpoint catalogue but our own, no saved state.
  Yasgui.Yasqe.forkAutocompleter("prefixes", { name: "project-prefixes", persistenceId: null }, false);
  Yasgui.defaults.yasqe.autocompleters = ["project-prefixes", "variables"];
  var prefixList = URL.createObjectURL(new Blob([JSON.stringify(data.prefixes)], { type: "application/json" }));
  // Shown before YASGUI is created: CodeMirror measures its element as it draws, and inside a hidden
  // element it draws no lines until clicked (the editor looked blank).
  form.hidden = true;
  holder.hidden = false;
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    copyEndpointOnNewTab: true,
    corsProxy: undefined,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    tabName: "Query",
    yasqe: {
      value: withPrefixes(data.texts[data.start]),
      persistenceId: null,
      consumeShareLink: null,
      prefixCcApi: prefixList,
      collapsePrefixesOnLoad: true,
      editorHeight: "320px"
    },
    yasr: { persistenceId: null, prefixes: data.prefixes }
  });

  // Accessibility repairs to YASGUI's markup: a tablist holds only tabs, so the "add tab" button
  // moves beside it; every form control YASGUI draws gets a name.
  var tabList = yasgui.tabElements && yasgui.tabElements._tabsListEl;
  var adder = yasgui.tabElements && yasgui.tabElements.addTabEl;
  if (tabList && adder && adder.parentNode === tabList) {
    var spot = document.createElement("div");
    spot.hidden = true;
    tabList.replaceChild(spot, adder);
    yasgui.tabElements.addTabEl = spot;  // new tabs are inserted before it, as before
    var bar = document.createElement("div");
    bar.className = "tab-bar";
    tabList.parentNode.insertBefore(bar, tabList);
    bar.appendChild(tabList);
    adder.removeAttribute("role");
    adder.className = "add-tab";
    bar.appendChild(adder);
  }
  var names = [
    [".CodeMirror textarea", "SPARQL query editor"],
    [".tabsList input[type=text]", "Tab name"],
    [".controlbar input", "SPARQL endpoint"],
    [".yasr input[type=search], .yasr .tableFilter", "Filter query results"],
    [".yasr select", "Rows per page"]
  ];
  function nameControls() {
    names.forEach(function (pair) {
      holder.querySelectorAll(pair[0]).forEach(function (el) {
        if (!el.getAttribute("aria-label") && !el.labels?.length) el.setAttribute("aria-label", pair[1]);
      });
    });
    holder.querySelectorAll(".yasr thead th").forEach(function (th) {
      if (!th.textContent.trim()) th.innerHTML = '<span class="visually-hidden">Row</span>';
    });
  }
  nameControls();
  new MutationObserver(nameControls).observe(holder, { childList: true, subtree: true });
  window.tipkgYasgui = yasgui;

  function load(name) {
    var text = withPrefixes(data.texts[name]);
    var tab = yasgui.getTab();
    var existing = null;
    Object.keys(yasgui._tabs).forEach(function (id) {
      if (yasgui._tabs[id].getName() === name) existing = yasgui._tabs[id];
    });
    if (existing) {
      yasgui.selectTabId(existing.getId());
      tab = existing;
    } else if (tab && tab.getQuery().trim() && !tab.hasResults() && tab.getName() === "Query"
               && tab.getQuery() === withPrefixes(data.texts[data.start])) {
      tab.setName(name);  // the untouched starting tab is reused
    } else {
      tab = yasgui.addTab(true, { name: name, requestConfig: { endpoint: endpoint } });
    }
    tab.setQuery(text);
    var yasqe = tab.getYasqe();
    yasqe.collapsePrefixes(true);
    holder.scrollIntoView({ block: "start" });
    yasqe.focus();
    status.textContent = "Loaded " + name + " into the editor. Run it with the run button or Ctrl+Enter.";
  }

  document.querySelectorAll("a.load-example").forEach(function (link) {
    link.setAttribute("role", "button");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      load(link.getAttribute("data-example"));
    });
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); load(link.getAttribute("data-example")); }
    });
  });
})();
