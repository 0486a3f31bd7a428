/* The "Copy" buttons of the widget's admin page. Without JavaScript the buttons stay hidden
   and the embed code is selected and copied by hand from its read-only text area. */
(function () {
  "use strict";

  function copyBySelection(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    if (!field) {
      return;
    }
    function report(copied) {
      if (status) {
        status.textContent = button.getAttribute(copied ? "data-copied" : "data-copy-failed");
      }
      if (!copied) {
        field.focus();
        field.select();
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(
          function () { report(true); },
          function () { report(copyBySelection(field)); }
        );
      } else {
        report(copyBySelection(field));
      }
    });
  });
})();
