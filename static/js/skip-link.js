/* The "Skip to main content" link, without changing the address.
 *
 * Followed as a plain link it adds "#main" to the address; a form without an `action` then
 * posts to that address, and the page after the redirect opens at <main> again, taking the
 * focus from its own error summary. With this script the link moves the focus to <main>
 * (tabindex="-1") and leaves the address as it was; without JavaScript the link still works.
 */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.skip-link");
    var main = document.getElementById("main");
    if (!link || !main) {
      return;
    }
    event.preventDefault();
    main.focus();
  });
})();
