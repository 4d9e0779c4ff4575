// Keyboard shortcuts for the editors' desk. Served from 'self' under a strict CSP: no
// inline handlers anywhere, and nothing here reads text that came from a feed.
//   j / k   next / previous draft (in a list: move the selection; on a draft: go there)
//   Enter   open the selected draft (the selection is a focused link)
//   a       go to the approve button (or the override reason it needs); Enter approves
//   c / r   write the note for changes / the reason for rejecting
//   u       back to the queue
(function () {
  "use strict";

  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-row]"));
  var current = -1;

  function typing(target) {
    return Boolean(target.closest && target.closest("input, textarea, select, [contenteditable]"));
  }

  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (current >= 0) rows[current].classList.remove("selected");
    current = index;
    rows[current].classList.add("selected");
    var link = rows[current].querySelector("a");
    if (link) link.focus();
    rows[current].scrollIntoView({ block: "nearest" });
  }

  function follow(selector) {
    var link = document.querySelector(selector);
    if (link) window.location.assign(link.href);
  }

  function focusField(selector) {
    var field = document.querySelector(selector);
    if (!field) return false;
    field.focus();
    field.scrollIntoView({ block: "center" });
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var handled = true;
    switch (event.key) {
      case "j":
        if (rows.length) select(current + 1); else follow("a[rel=next]");
        break;
      case "k":
        if (rows.length) select(current - 1); else follow("a[rel=prev]");
        break;
      case "a":
        handled = focusField("#approve-override") || focusField("#approve-button");
        break;
      case "c":
        handled = focusField("#changes-note");
        break;
      case "r":
        handled = focusField("#reject-note");
        break;
      case "u":
        window.location.assign("/");
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });
})();
