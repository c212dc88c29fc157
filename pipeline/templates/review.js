(function () {
  "use strict";
  // claimcheck review loop: mark a verdict as wrong, pick the right label, download the corrections
  // as a labels CSV (text,label,context,design,source) for `claimcheck train --labels`.
  // All article text comes from the JSON block #claimcheck-data; nothing is ever evaluated as code.
  var LABELS = ["hedged", "supported", "overstated"];
  var dataEl = document.getElementById("claimcheck-data");
  if (!dataEl) { return; }
  var data;
  try { data = JSON.parse(dataEl.textContent); } catch (e) { return; }
  var claims = data.claims || {};
  var key = "claimcheck-corrections:" + String(data.report || "");
  var memory = {};

  function load() {
    try {
      var raw = window.localStorage.getItem(key);
      var parsed = raw ? JSON.parse(raw) : {};
      return parsed && typeof parsed === "object" ? parsed : {};
    } catch (e) { return memory; }
  }
  function save(all) {
    memory = all;
    try { window.localStorage.setItem(key, JSON.stringify(all)); } catch (e) { /* private mode: keep in memory */ }
  }
  var corrections = load();

  function csvField(value) {
    return "\"" + String(value === undefined || value === null ? "" : value).replace(/"/g, "\"\"") + "\"";
  }
  function csv() {
    var lines = ["text,label,context,design,source"];
    Object.keys(corrections).sort().forEach(function (id) {
      var c = corrections[id];
      if (!c || LABELS.indexOf(c.label) < 0) { return; }
      lines.push([c.text, c.label, c.context, c.design, c.source].map(csvField).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  var panel = document.getElementById("review-panel");
  var countEl = document.getElementById("review-count");
  var downloadBtn = document.getElementById("review-download");
  var clearBtn = document.getElementById("review-clear");

  function refreshPanel() {
    var n = Object.keys(corrections).length;
    if (countEl) {
      countEl.textContent = n === 0 ? "No corrections yet: use “Wrong label?” under a claim." :
        n + (n === 1 ? " correction" : " corrections") + " collected (kept in this browser).";
    }
    if (panel) { panel.classList.toggle("active", n > 0); }
    if (downloadBtn) { downloadBtn.disabled = n === 0; }
    if (clearBtn) { clearBtn.disabled = n === 0; }
  }

  function refreshControl(ctl) {
    var id = ctl.getAttribute("data-claim");
    var fix = ctl.querySelector(".fix");
    var select = ctl.querySelector("select");
    var button = ctl.querySelector("button.wrong");
    var status = ctl.querySelector(".status");
    var chosen = corrections[id] ? corrections[id].label : "";
    if (select) { select.value = chosen; }
    ctl.classList.toggle("corrected", !!chosen);
    if (status) { status.textContent = chosen ? "Corrected to " + chosen : ""; }
    if (fix && button) { fix.hidden = button.getAttribute("aria-expanded") !== "true" && !chosen; }
  }

  var controls = Array.prototype.slice.call(document.querySelectorAll(".review-ctl[data-claim]"));
  controls.forEach(function (ctl) {
    var id = ctl.getAttribute("data-claim");
    var info = claims[id];
    if (!info) { return; }
    var button = ctl.querySelector("button.wrong");
    var select = ctl.querySelector("select");
    if (button) {
      button.addEventListener("click", function () {
        var open = button.getAttribute("aria-expanded") === "true";
        button.setAttribute("aria-expanded", open ? "false" : "true");
        refreshControl(ctl);
        if (!open && select) { select.focus(); }
      });
    }
    if (select) {
      select.addEventListener("change", function () {
        var label = select.value;
        if (LABELS.indexOf(label) >= 0 && label !== info.label) {
          corrections[id] = {text: info.text, label: label, context: info.context, design: info.design,
                             source: info.source, predicted: info.label};
        } else {
          delete corrections[id];
        }
        save(corrections);
        refreshControl(ctl);
        refreshPanel();
      });
    }
    refreshControl(ctl);
  });

  if (downloadBtn) {
    downloadBtn.addEventListener("click", function () {
      var blob = new Blob([csv()], {type: "text/csv;charset=utf-8"});
      var url = URL.createObjectURL(blob);
      var a = document.createElement("a");
      a.href = url;
      a.download = "claimcheck-labels.csv";
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    });
  }
  if (clearBtn) {
    clearBtn.addEventListener("click", function () {
      corrections = {};
      save(corrections);
      controls.forEach(refreshControl);
      refreshPanel();
    });
  }
  window.addEventListener("storage", function (event) {
    if (event.key === key) { corrections = load(); controls.forEach(refreshControl); refreshPanel(); }
  });
  document.documentElement.className += " js";
  if (panel) { panel.hidden = false; }
  refreshPanel();
}());
