// Equisis back-office helpers: keyboard shortcuts, the tablet menu, the till's PIN pad. No framework.
(function () {
  "use strict";
  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }
  var pendingG = false;
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter") {
      var form = event.target.closest && event.target.closest("form");
      if (form) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = event.key;
    if (pendingG) {
      pendingG = false;
      if (key === "h") { var home = document.querySelector(".brand"); if (home) window.location = home.href; }
      return;
    }
    if (key === "g") { pendingG = true; setTimeout(function () { pendingG = false; }, 1200); return; }
    if (key === "/") {
      var search = document.querySelector("[data-list-search]");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
    } else if (key === "n") {
      var create = document.querySelector("[data-shortcut-new]");
      if (create) { event.preventDefault(); create.click(); }
    } else if (key === "j" || key === "k") {
      var link = document.querySelector(key === "j" ? ".pager a[rel=next]" : ".pager a[rel=prev]");
      if (link) { event.preventDefault(); link.click(); }
    } else if (key === "?") {
      var help = document.getElementById("shortcuts");
      if (help && help.showModal) { event.preventDefault(); help.showModal(); }
    }
  });
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-menu-toggle]");
    if (toggle) {
      var nav = document.getElementById("mainnav");
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    var key = event.target.closest("[data-pinpad] button[data-key]");
    if (key && key.type === "button") {
      var pin = document.querySelector("[data-pin]");
      if (key.dataset.key === "⌫") pin.value = pin.value.slice(0, -1);
      else if (pin.value.length < 6) pin.value += key.dataset.key;
      // No focus(): on a tablet it would raise the on-screen keyboard over the pad.
    }
  });
})();
