// /api/docs: starts Swagger UI (served from our static files) with the settings the page carries.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-ui").dataset.swaggerSettings);
  var csrfToken = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  if (csrfToken) {
    // "Try it out" from a signed-in browser authenticates with the session, which needs the CSRF header.
    config.requestInterceptor = function (request) {
      request.headers["X-CSRFToken"] = csrfToken;
      return request;
    };
  }
  window.SwaggerUIBundle(config);
})();
