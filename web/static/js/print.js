// The print button of a print version: opens the browser's print dialog.
(function () {
  "use strict";
  document.querySelectorAll("[data-naast-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
