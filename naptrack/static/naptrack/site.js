// Every page's script (base.html); without it every page still reads and works.
//
// The header's Menu button: without this script the whole menu stays shown; with it, narrow
// screens fold the menu behind the button, and the person's menu closes on Escape or a click
// elsewhere, as a menu is expected to.
(function () {
  "use strict";
  var header = document.querySelector("[data-menu]");
  if (!header) { return; }
  var button = header.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  var userMenu = header.querySelector(".user-menu");
  header.classList.add("header-menu-js");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    if (userMenu && userMenu.open) {
      userMenu.open = false;
      userMenu.querySelector("summary").focus();
    } else if (menu.classList.contains("is-open")) {
      button.click();
      button.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (userMenu && userMenu.open && !userMenu.contains(event.target) && window.innerWidth >= 992) {
      userMenu.open = false;
    }
  });
})();

// A form sent is not sent again by a second press while its answer is on the way (publishing,
// imports and report builds start a job; the server also finds the job under way, but a second
// press should not even look possible). Its buttons say so until the next page shows; a form
// whose answer is a download, which leaves the page in place, is released after a while.
(function () {
  "use strict";
  var RELEASE_MS = 8000;
  function release(form) {
    delete form.dataset.sending;
    form.querySelectorAll("[data-sending]").forEach(function (button) {
      button.removeAttribute("aria-disabled");
      button.classList.remove("disabled");
      button.removeAttribute("data-sending");
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") { return; }
    if (form.dataset.sending === "true") { event.preventDefault(); return; }
    form.dataset.sending = "true";
    // aria-disabled rather than disabled: a disabled button's name and value would not be sent.
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("disabled");
      button.setAttribute("data-sending", "");
    });
    window.setTimeout(function () { release(form); }, RELEASE_MS);
  });
  // A page come back to through the browser's history is usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(release);
  });
})();
