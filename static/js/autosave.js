/* Autosave for answer and data forms, on top of htmx.
 *
 * Each form[data-autosave] posts itself on change (htmx). This script keeps the promise that
 * nothing typed is lost: it reads the new version from the response, shows "saved" or
 * "not saved — retry" per form, keeps unsaved values in localStorage until the server has
 * them, retries when the connection comes back, and offers the two choices of a conflict.
 */
(function () {
  "use strict";

  var STORE = "tip-autosave:";
  // The messages come from Django's JavaScript catalogue (/jsi18n/), in the page's language.
  var gettext = window.gettext || function (message) { return message; };
  var text = {
    saving: gettext("Saving…"),
    offline: gettext("Not saved: no connection. Your text is kept here and will be sent when the connection is back."),
    session: gettext("Not saved: your session has ended. Sign in again in another tab, then retry. Your text is kept here."),
    failed: gettext("Not saved: the server did not answer."),
    restored: gettext("Unsaved changes from this browser were restored."),
    conflict: gettext("Not saved: someone else changed this answer. Choose below."),
    refused: gettext("Not saved: the server refused what was sent (it may be too long). Shorten it, then retry."),
    retry: gettext("Retry")
  };

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function formOf(elt) {
    return elt && elt.closest ? elt.closest("form[data-autosave]") : null;
  }

  function key(form) {
    return STORE + form.getAttribute("action") + "#" + (form.querySelector("[name=period]") || {}).value;
  }

  function snapshot(form) {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "version") return;
      (data[name] = data[name] || []).push(value);
    });
    return data;
  }

  function remember(form) {
    try {
      localStorage.setItem(key(form), JSON.stringify({ at: Date.now(), data: snapshot(form) }));
    } catch (e) { /* storage full or disabled: the page itself still holds the text */ }
  }

  function forget(form) {
    try { localStorage.removeItem(key(form)); } catch (e) { /* ignore */ }
  }

  function mark(form, state, message, html) {
    var status = form.querySelector(".save-status");
    form.dataset.state = state;
    if (!status) return;
    status.dataset.state = state;
    if (html !== undefined) {
      status.innerHTML = html;
    } else {
      status.textContent = message;
    }
    if (state === "failed" || state === "invalid") {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "retry button-small";
      button.textContent = text.retry;
      status.appendChild(document.createTextNode(" "));
      status.appendChild(button);
    }
  }

  function setVersion(form, version) {
    var field = form.querySelector("input[name=version]");
    if (field && version !== null && version !== undefined && version !== "") field.value = version;
  }

  function restore(form, data) {
    Object.keys(data).forEach(function (name) {
      var fields = form.querySelectorAll("[name='" + name + "']");
      var values = data[name];
      fields.forEach(function (field, index) {
        if (field.type === "radio" || field.type === "checkbox") {
          field.checked = values.indexOf(field.value) !== -1;
        } else if (index < values.length) {
          field.value = values[index];
        }
      });
    });
  }

  // After signing in again (in another tab) the token changes: send the current one, in the
  // header and in place of the page's stale form field, which Django would check first.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    event.detail.headers["X-CSRFToken"] = token;
    if (event.detail.parameters) event.detail.parameters["csrfmiddlewaretoken"] = token;
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form) return;
    remember(form);
    mark(form, "saving", text.saving);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form) return;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    var version = xhr ? xhr.getResponseHeader("X-Version") : null;
    if (status === 200) {
      setVersion(form, version);
      var period = form.querySelector("[name=period]");
      if (period && period.value) period.readOnly = true;
      forget(form);
      clearConflict(form);
      mark(form, "saved", "", xhr.responseText);
    } else if (status === 409) {
      showConflict(form, xhr.responseText);
      mark(form, "conflict", text.conflict);
    } else if (status === 422 || status === 423) {
      mark(form, "invalid", "", xhr.responseText);
    } else if (status === 400 || status === 413) {
      // Refused before reaching the form's checks (e.g. a request too large): sending it again
      // cannot help, so it is not retried when the connection comes back.
      mark(form, "invalid", text.refused);
    } else if (status === 401 || status === 403) {
      mark(form, "failed", text.session);
    } else if (status === 0) {
      mark(form, "failed", text.offline);
    } else {
      mark(form, "failed", text.failed);
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var form = formOf(event.detail.elt);
    if (form) mark(form, "failed", text.offline);
  });

  function showConflict(form, html) {
    var box = form.querySelector(".conflict");
    if (!box) return;
    box.innerHTML = html;
    box.hidden = false;
  }

  function clearConflict(form) {
    var box = form.querySelector(".conflict");
    if (box) {
      box.hidden = true;
      box.innerHTML = "";
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var form = formOf(target);
    if (!form) return;
    if (target.classList.contains("retry")) {
      htmx.trigger(form, "retry");
    } else if (target.dataset.conflict) {
      var box = target.closest(".conflict-box");
      var current = box ? box.dataset.version : null;
      if (target.dataset.conflict === "take" && box) {
        box.querySelectorAll("[data-theirs]").forEach(function (el) {
          var name = el.dataset.theirs;
          var value = el.dataset.value !== undefined ? el.dataset.value : el.textContent;
          restore(form, (function () { var d = {}; d[name] = [value]; return d; })());
        });
        setVersion(form, current);
        forget(form);
        clearConflict(form);
        mark(form, "saved", "", "");
      } else {
        setVersion(form, current);
        htmx.trigger(form, "retry");
      }
    }
  });

  window.addEventListener("online", function () {
    document.querySelectorAll("form[data-autosave][data-state=failed]").forEach(function (form) {
      htmx.trigger(form, "retry");
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      var saved;
      try { saved = JSON.parse(localStorage.getItem(key(form)) || "null"); } catch (e) { saved = null; }
      if (saved && saved.data) {
        restore(form, saved.data);
        mark(form, "failed", text.restored);
      }
    });
  });
})();
