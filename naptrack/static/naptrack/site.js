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
    // Only Escape pressed within the header: a field's own use of it (the country picker's)
    // must not close the menu and move the focus away from the form.
    if (event.key !== "Escape" || event.defaultPrevented || !header.contains(document.activeElement)) { return; }
    if (userMenu && userMenu.open) {
      userMenu.open = false;
      userMenu.querySelector("summary").focus();
    } else if (menu.classList.contains("is-open")) {
      button.click();
      button.focus();
    }
  });
  // On a desk the open menu floats over the page: it closes when a click or the keyboard's
  // focus goes elsewhere, rather than hide what the focus moved to.
  function closeUnlessWithin(target) {
    if (userMenu && userMenu.open && !(target && userMenu.contains(target)) && window.innerWidth >= 992) {
      userMenu.open = false;
    }
  }
  document.addEventListener("click", function (event) { closeUnlessWithin(event.target); });
  if (userMenu) {
    userMenu.addEventListener("focusout", function (event) { closeUnlessWithin(event.relatedTarget); });
  }
})();

// A form sent is not sent again by a second press while its answer is on the way (publishing,
// imports and report builds start a job; the server also finds the job under way, but a second
// press should not even look possible). Its buttons say so until the next page shows, which
// every form's answer here is (downloads are links, not forms).
(function () {
  "use strict";
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
  });
  // A page come back to through the browser's history is usable again.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sending]").forEach(release);
  });
})();
