// The meeting's agenda tools (move an item, remove it) are forms that htmx sends, swapping the
// meeting's block (#meeting-body) with the page the server answers (issue 17, item 9). When the
// server refuses (403, 409: the meeting changed meanwhile, or it was held), htmx would swap
// nothing; show the refusal's page content instead, so that the person reads why.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var elt = event.detail.elt;
    var status = event.detail.xhr.status;
    if (!elt || !elt.closest("[data-agenda]") || status < 400) return;
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    event.detail.target = document.querySelector("main");
    event.detail.selectOverride = "main";
    event.detail.swapOverride = "innerHTML";
  });
})();
