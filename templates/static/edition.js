/* Small enhancements; every page works without them. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var KEY = "edition-view";

  function ready(fn) {
    // DOMContentLoaded fires after every deferred script (pagefind-ui.js too) has run.
    if (document.readyState === "complete") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function setupViews() {
    var radios = document.querySelectorAll('input[name="view"]');
    if (!radios.length) return;
    var stored = null;
    try { stored = window.localStorage.getItem(KEY); } catch (e) { stored = null; }
    radios.forEach(function (radio) {
      if (stored && radio.value === stored) radio.checked = true;
      radio.addEventListener("change", function () {
        try { window.localStorage.setItem(KEY, radio.value); } catch (e) { /* private mode */ }
      });
    });
  }

  function setupPopovers() {
    var open = null;
    function show(button) {
      if (open && open !== button) hide(open);
      var tip = document.getElementById(button.getAttribute("aria-describedby"));
      if (!tip) return;
      tip.classList.add("open");
      place(tip);
      button.setAttribute("aria-expanded", "true");
      open = button;
    }
    function place(tip) {
      // Keep the popover inside the viewport: shift it left when it would overflow.
      tip.style.left = "0px";
      var rect = tip.getBoundingClientRect();
      var limit = document.documentElement.clientWidth - 8;
      if (rect.right > limit) tip.style.left = Math.min(0, limit - rect.right) + "px";
      rect = tip.getBoundingClientRect();
      if (rect.left < 8) tip.style.left = (parseFloat(tip.style.left) + 8 - rect.left) + "px";
    }
    function hide(button) {
      var tip = document.getElementById(button.getAttribute("aria-describedby"));
      if (tip) tip.classList.remove("open");
      button.setAttribute("aria-expanded", "false");
      if (open === button) open = null;
    }
    document.querySelectorAll(".app-sign").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        if (button.getAttribute("aria-expanded") === "true" && open === button && button.dataset.viaFocus !== "1") hide(button);
        else show(button);
        button.dataset.viaFocus = "0";
      });
      button.addEventListener("focus", function () { show(button); button.dataset.viaFocus = "1"; setTimeout(function () { button.dataset.viaFocus = "0"; }, 300); });
      button.addEventListener("blur", function () { hide(button); });
      button.addEventListener("mouseenter", function () { show(button); });
      button.addEventListener("mouseleave", function () { if (document.activeElement !== button) hide(button); });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && open) hide(open);
    });
    document.addEventListener("click", function () { if (open) hide(open); });
  }

  function setupCopy() {
    document.querySelectorAll(".copy-button").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        var status = button.parentNode.querySelector(".copy-status");
        if (!source) return;
        var text = source.textContent.trim();
        var done = function () { if (status) status.textContent = "Citation copied."; };
        var fail = function () { if (status) status.textContent = "Copying failed: select the citation and copy it."; };
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fail);
        else fail();
      });
    });
  }

  function setupFilter() {
    var input = document.querySelector("input[data-filter-table]");
    if (!input) return;
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var text = row.textContent.toLowerCase();
        row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  }

  function setupSearch() {
    var box = document.getElementById("search");
    if (!box || typeof window.PagefindUI === "undefined") return;
    // The index is in parts (pagefind/parts.json): the first is Pagefind's own, the
    // others are merged into it. Without the list, the folder is one index.
    // Absolute: Pagefind resolves a merged index's path against its own folder.
    var bundle = new URL(box.getAttribute("data-bundle"), window.location.href).pathname;
    fetch(bundle + "parts.json")
      .then(function (response) { return response.ok ? response.json() : { parts: [""] }; })
      .catch(function () { return { parts: [""] }; })
      .then(function (found) {
        var parts = (found && found.parts && found.parts.length) ? found.parts : [""];
        startSearch(box, bundle, parts);
      });
  }

  function startSearch(box, bundle, parts) {
    new window.PagefindUI({
      element: "#search",
      bundlePath: bundle + parts[0],
      mergeIndex: parts.slice(1).map(function (part) { return { bundlePath: bundle + part }; }),
      // Result URLs start at the site's own folder, wherever the site is hosted.
      baseUrl: new URL(bundle + "../", window.location.href).pathname,
      showSubResults: true,
      showImages: false,
      processResult: function (result) {
        // Link to the passage: a text fragment with the first matched word of the excerpt.
        var match = /<mark>([^<]+)<\/mark>/.exec(result.excerpt || "");
        var word = match ? match[1].replace(/[^\p{L}\p{N}\s'-]/gu, "").trim() : "";
        if (word && result.url.indexOf("#") < 0) result.url += "#:~:text=" + encodeURIComponent(word);
        return result;
      }
    });
    // Pagefind's input carries only a title; give it an accessible name.
    var name = function () {
      var input = box.querySelector("input[type=text], input[type=search]");
      if (input && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", "Search the texts");
    };
    name();
    new MutationObserver(name).observe(box, { childList: true, subtree: true });
  }

  ready(function () { setupViews(); setupPopovers(); setupCopy(); setupFilter(); setupSearch(); });
})();
