/* "Copy" buttons, without inline scripts (a strict CSP comes).
 *
 * <button type="button" hidden data-copy-target="ID" data-copy-status="ID"
 *         data-copied="Copied" data-failed="…">Copy</button>
 * The button stays hidden without JavaScript or without the clipboard API: the target (a
 * textarea or any element) stays selectable. A click copies the target's text and writes the
 * outcome into the status element (an aria-live region).
 */
(function () {
  "use strict";

  function setUp(button) {
    var target = document.getElementById(button.dataset.copyTarget);
    var status = document.getElementById(button.dataset.copyStatus);
    if (!target || !status || !navigator.clipboard || !window.isSecureContext) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = "value" in target ? target.value : target.textContent;
      status.textContent = "";
      navigator.clipboard.writeText(text).then(
        function () {
          status.textContent = button.dataset.copied;
        },
        function () {
          status.textContent = button.dataset.failed;
          if (typeof target.select === "function") {
            target.focus();
            target.select();
          }
        }
      );
    });
  }

  document.querySelectorAll("button[data-copy-target]").forEach(setUp);
})();
